"""Working-day arithmetic against the State Council's 2026 schedule, worked out by hand."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.engine.calendar import Unit, WorkingCalendar, local_date
from service.workdays.schedules import calendar_of, library_schedules, schedule_from_document

DAY = timedelta(days=1)


@cache
def library_calendar() -> WorkingCalendar:
    return calendar_of(library_schedules())


def days(first: date, last: date) -> set[date]:
    return {first + DAY * offset for offset in range((last - first).days + 1)}


# 国务院办公厅关于2026年部分节假日安排的通知, published 2025-11-04 (docs/DOMAIN.md).
HOLIDAYS_2026 = (
    days(date(2026, 1, 1), date(2026, 1, 3))  # 元旦
    | days(date(2026, 2, 15), date(2026, 2, 23))  # 春节
    | days(date(2026, 4, 4), date(2026, 4, 6))  # 清明节
    | days(date(2026, 5, 1), date(2026, 5, 5))  # 劳动节
    | days(date(2026, 6, 19), date(2026, 6, 21))  # 端午节
    | days(date(2026, 9, 25), date(2026, 9, 27))  # 中秋节
    | days(date(2026, 10, 1), date(2026, 10, 7))  # 国庆节
)
MAKE_UP_2026 = {
    date(2026, 1, 4): "Sunday",
    date(2026, 2, 14): "Saturday",
    date(2026, 2, 28): "Saturday",
    date(2026, 5, 9): "Saturday",
    date(2026, 9, 20): "Sunday",
    date(2026, 10, 10): "Saturday",
}


# --- 1. the 2026 schedule -------------------------------------------------------------------


def test_2026_holidays_are_exactly_the_state_councils():
    calendar = library_calendar()
    assert {day for day in calendar.holidays if day.year == 2026} == HOLIDAYS_2026
    assert len(HOLIDAYS_2026) == 33


def test_2026_make_up_working_days_are_exactly_the_state_councils():
    calendar = library_calendar()
    assert {day for day in calendar.workdays if day.year == 2026} == set(MAKE_UP_2026)
    for day, weekday in MAKE_UP_2026.items():
        assert day.strftime("%A") == weekday


@pytest.mark.parametrize("day", sorted(HOLIDAYS_2026), ids=str)
def test_every_2026_holiday_is_not_a_working_day(day):
    assert not library_calendar().is_working_day(day)


@pytest.mark.parametrize("day", sorted(MAKE_UP_2026), ids=str)
def test_every_2026_make_up_day_is_a_working_day(day):
    assert day.weekday() >= 5
    assert library_calendar().is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 10), True),  # Tuesday
        (date(2026, 3, 13), True),  # Friday
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 15), False),  # Sunday
        (date(2026, 2, 13), True),  # Friday before Spring Festival
        (date(2026, 2, 24), True),  # first Tuesday after Spring Festival
        (date(2026, 3, 1), False),  # Sunday after the make-up Saturday 2/28
        (date(2026, 10, 8), True),  # Thursday after National Day
        (date(2026, 10, 11), False),  # Sunday after the make-up Saturday 10/10
        (date(2026, 9, 19), False),  # Saturday before the make-up Sunday 9/20
        (date(2026, 12, 31), True),  # Thursday
    ],
    ids=str,
)
def test_ordinary_weekdays_and_weekends_2026(day, working):
    assert library_calendar().is_working_day(day) is working


def test_2026_has_248_working_days():
    # 365 days - 104 weekend days - 19 holidays on weekdays + 6 make-up weekend days.
    assert library_calendar().count_working_days(date(2025, 12, 31), date(2026, 12, 31)) == 248


# --- 2. deadlines across Spring Festival and National Day -----------------------------------


@pytest.mark.parametrize(
    ("accepted", "limit", "due"),
    [
        # 2/11 W, 2/12 Th, 2/13 F, 2/14 Sat (make-up), [2/15-2/23 off], 2/24 Tu.
        (date(2026, 2, 10), 5, date(2026, 2, 24)),
        # 9/29 Tu, 9/30 W, [10/1-10/7 off], 10/8 Th, 10/9 F, 10/10 Sat (make-up).
        (date(2026, 9, 28), 5, date(2026, 10, 10)),
        # accepted on a holiday: the first working day after it is day 1.
        (date(2026, 10, 3), 1, date(2026, 10, 8)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 3, 13), 1, date(2026, 3, 16)),  # Friday -> Monday
        (date(2026, 3, 10), 1, date(2026, 3, 11)),  # acceptance day not counted
        # 12/31 Th, [1/1-1/3 off], 1/4 Sun (make-up) -- across the 2025/2026 boundary.
        (date(2025, 12, 30), 2, date(2026, 1, 4)),
    ],
    ids=str,
)
def test_working_day_deadlines(accepted, limit, due):
    deadline = library_calendar().deadline(accepted, limit, Unit.WORKING_DAYS)
    assert deadline.due == due
    assert deadline.provisional is False


def test_twenty_working_days_across_national_day():
    accepted = date(2026, 9, 18)  # Friday
    counted = [
        date(2026, 9, 20),  # Sunday, make-up
        *days(date(2026, 9, 21), date(2026, 9, 24)),
        # 9/25-9/27 中秋节
        *days(date(2026, 9, 28), date(2026, 9, 30)),
        # 10/1-10/7 国庆节
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10),  # 10/10 Saturday, make-up
        *days(date(2026, 10, 12), date(2026, 10, 16)),
        *days(date(2026, 10, 19), date(2026, 10, 22)),
    ]
    assert len(counted) == 20
    calendar = library_calendar()
    assert [day for day in sorted(days(accepted + DAY, date(2026, 10, 22)))
            if calendar.is_working_day(day)] == sorted(counted)
    assert calendar.deadline(accepted, 20, Unit.WORKING_DAYS).due == date(2026, 10, 22)
    assert calendar.count_working_days(accepted, date(2026, 10, 22)) == 20


@pytest.mark.parametrize(
    ("accepted", "limit", "due"),
    [
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 10/1 is a holiday: next working day
        (date(2026, 2, 1), 14, date(2026, 2, 24)),  # 2/15 Spring Festival -> 2/24
        (date(2026, 3, 7), 7, date(2026, 3, 16)),  # 3/14 Saturday -> Monday
        (date(2026, 2, 7), 7, date(2026, 2, 14)),  # make-up Saturday is a working day: stays
        (date(2026, 9, 24), 20, date(2026, 10, 14)),  # Wednesday: stays
        (date(2026, 9, 10), 20, date(2026, 9, 30)),  # Wednesday before National Day: stays
    ],
    ids=str,
)
def test_natural_day_deadlines_move_off_holidays(accepted, limit, due):
    deadline = library_calendar().deadline(accepted, limit, Unit.NATURAL_DAYS)
    assert deadline.due == due
    assert deadline.provisional is False


@pytest.mark.parametrize("unit", [Unit.WORKING_DAYS, Unit.NATURAL_DAYS])
@pytest.mark.parametrize(
    "accepted", [date(2026, 3, 10), date(2026, 3, 14), date(2026, 2, 16)], ids=str
)
def test_limit_zero_is_the_same_day(accepted, unit):
    # 即办件: decided on the spot, even when accepted on a weekend or a holiday.
    assert library_calendar().deadline(accepted, 0, unit).due == accepted


def test_the_day_of_acceptance_is_not_counted():
    calendar = library_calendar()
    monday = date(2026, 3, 9)
    assert calendar.count_working_days(monday, monday) == 0
    assert calendar.count_working_days(monday, monday + DAY) == 1
    assert calendar.count_working_days(monday, monday - DAY) == 0
    assert calendar.add_working_days(monday, 1) == monday + DAY
    assert calendar.add_working_days(monday, 5) == date(2026, 3, 16)
    assert calendar.deadline(monday, 3, Unit.NATURAL_DAYS).due == date(2026, 3, 12)


def test_counting_days_and_counting_back():
    calendar = library_calendar()
    assert calendar.count_days(date(2026, 2, 10), date(2026, 2, 24), Unit.WORKING_DAYS) == 5
    assert calendar.count_days(date(2026, 2, 10), date(2026, 2, 24), Unit.NATURAL_DAYS) == 14
    assert calendar.count_days(date(2026, 2, 24), date(2026, 2, 10), Unit.NATURAL_DAYS) == 0
    assert calendar.before(date(2026, 2, 24), 5, Unit.WORKING_DAYS) == date(2026, 2, 10)
    assert calendar.before(date(2026, 10, 10), 5, Unit.WORKING_DAYS) == date(2026, 9, 28)
    assert calendar.before(date(2026, 10, 10), 5, Unit.NATURAL_DAYS) == date(2026, 10, 5)
    assert calendar.before(date(2026, 10, 10), 0, Unit.WORKING_DAYS) == date(2026, 10, 10)
    assert calendar.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert calendar.next_working_day(date(2026, 10, 8)) == date(2026, 10, 8)


def test_bad_arguments_are_refused():
    calendar = library_calendar()
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(date(2026, 3, 10), -1)
    with pytest.raises(ValueError, match="negative"):
        calendar.deadline(date(2026, 3, 10), -1, Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match="not a valid Unit"):
        calendar.deadline(date(2026, 3, 10), 5, "hours")


@pytest.fixture
def fail_after_one_second():
    def give_up(signum, frame):
        raise TimeoutError("did not return within a second")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_counting_back_a_negative_number_of_days_is_refused(fail_after_one_second):
    with pytest.raises(ValueError):
        library_calendar().subtract_working_days(date(2026, 3, 10), -1)


def test_a_negative_natural_day_limit_is_refused():
    with pytest.raises(ValueError):
        library_calendar().deadline(date(2026, 3, 10), -3, Unit.NATURAL_DAYS)


def test_counting_in_an_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        library_calendar().count_days(date(2026, 3, 10), date(2026, 3, 20), "working_day")


# --- 3. provisional deadlines ---------------------------------------------------------------


def test_2027_is_not_published_in_the_library():
    calendar = library_calendar()
    assert calendar.published_years == frozenset(range(2004, 2027))
    assert 2027 not in calendar.published_years


def test_a_year_without_a_schedule_counts_weekends_only():
    calendar = library_calendar()
    for day in days(date(2027, 1, 1), date(2027, 12, 31)):
        assert calendar.is_working_day(day) is (day.weekday() < 5), day


def test_a_deadline_reaching_into_2027_is_provisional():
    # 12/28 M, 12/29, 12/30, 12/31, 1/1/2027 F (no schedule: a plain Friday), 1/4 - 1/8.
    deadline = library_calendar().deadline(date(2026, 12, 25), 10, Unit.WORKING_DAYS)
    assert deadline.due == date(2027, 1, 8)
    assert deadline.provisional is True


@pytest.mark.parametrize(
    ("accepted", "limit", "unit", "due", "provisional"),
    [
        (date(2026, 12, 30), 1, Unit.WORKING_DAYS, date(2026, 12, 31), False),
        (date(2026, 12, 31), 1, Unit.WORKING_DAYS, date(2027, 1, 1), True),
        (date(2026, 12, 25), 7, Unit.NATURAL_DAYS, date(2027, 1, 1), True),
        (date(2026, 12, 24), 7, Unit.NATURAL_DAYS, date(2026, 12, 31), False),
        (date(2027, 3, 1), 0, Unit.WORKING_DAYS, date(2027, 3, 1), True),
        (date(2026, 2, 10), 5, Unit.WORKING_DAYS, date(2026, 2, 24), False),
    ],
    ids=str,
)
def test_provisional_only_when_an_unpublished_year_is_reached(
    accepted, limit, unit, due, provisional
):
    deadline = library_calendar().deadline(accepted, limit, unit)
    assert deadline.due == due
    assert deadline.provisional is provisional


def test_an_imported_2027_schedule_makes_the_deadline_final():
    imported = schedule_from_document(
        {"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}]}, source="test"
    )
    calendar = calendar_of([*library_schedules().values(), imported])
    deadline = calendar.deadline(date(2026, 12, 31), 1, Unit.WORKING_DAYS)
    assert deadline.due == date(2027, 1, 4)
    assert deadline.provisional is False
    assert calendar.missing_years(date(2026, 11, 1)) == []


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (date(2026, 1, 1), []),
        (date(2026, 10, 31), []),
        (date(2026, 11, 1), [2027]),
        (date(2026, 12, 31), [2027]),
        (date(2025, 11, 1), []),  # 2026 is published
        (date(2027, 3, 1), [2027]),
        (date(2027, 11, 1), [2027, 2028]),
        (date(2003, 6, 1), [2003]),
    ],
    ids=str,
)
def test_missing_years(today, missing):
    assert library_calendar().missing_years(today) == missing


# --- 4. properties --------------------------------------------------------------------------

any_day = st.dates(min_value=date(2004, 1, 1), max_value=date(2027, 12, 31))
limits = st.integers(min_value=0, max_value=60)
properties = settings(max_examples=150, deadline=None)


@properties
@given(start=any_day, count=limits)
def test_counting_the_days_added_gives_them_back(start, count):
    calendar = library_calendar()
    assert calendar.count_working_days(start, calendar.add_working_days(start, count)) == count


@properties
@given(start=any_day, count=st.integers(min_value=1, max_value=60))
def test_adding_working_days_lands_on_a_working_day(start, count):
    calendar = library_calendar()
    due = calendar.add_working_days(start, count)
    assert due > start
    assert calendar.is_working_day(due)


@properties
@given(start=any_day, count=st.integers(min_value=1, max_value=60))
def test_natural_day_deadlines_land_on_the_first_working_day_from_start_plus_n(start, count):
    calendar = library_calendar()
    due = calendar.deadline(start, count, Unit.NATURAL_DAYS).due
    assert calendar.is_working_day(due)
    assert due >= start + DAY * count
    assert not any(calendar.is_working_day(day) for day in days(start + DAY * count, due - DAY))


@properties
@given(start=any_day, count=limits)
def test_counting_back_inverts_adding_from_a_working_day(start, count):
    calendar = library_calendar()
    start = calendar.next_working_day(start)
    due = calendar.add_working_days(start, count)
    assert calendar.subtract_working_days(due, count) == start
    assert calendar.before(due, count, Unit.WORKING_DAYS) == start


@properties
@given(
    start=any_day,
    limit=limits,
    pause_after=st.integers(min_value=0, max_value=60),
    paused_for=st.integers(min_value=0, max_value=60),
)
def test_a_pause_moves_the_deadline_by_the_working_days_in_it(
    start, limit, pause_after, paused_for
):
    calendar = library_calendar()
    paused = start + DAY * pause_after
    resumed = paused + DAY * paused_for
    lost = calendar.count_working_days(paused, resumed)
    assert 0 <= lost <= paused_for
    due = calendar.add_working_days(start, limit)
    assert calendar.add_working_days(due, lost) == calendar.add_working_days(start, limit + lost)


# --- 5. the server's time zone does not matter ----------------------------------------------

INSTANT = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # 2026-11-27 01:30 in Shanghai


@pytest.fixture(
    params=[
        ("America/Los_Angeles", date(2026, 11, 26)),  # 09:30 on the 26th
        ("Pacific/Kiritimati", date(2026, 11, 27)),  # 07:30 on the 27th (UTC+14)
        ("UTC", date(2026, 11, 26)),
        ("Asia/Shanghai", date(2026, 11, 27)),
    ],
    ids=lambda param: param[0],
)
def server_tz(request):
    zone, server_date = request.param
    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    # The server's own clock really is in that zone now (so the test below can fail).
    assert datetime.fromtimestamp(INSTANT.timestamp()).date() == server_date
    yield zone
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_local_date_is_the_shanghai_date_whatever_the_server_zone(server_tz):
    assert local_date(INSTANT) == date(2026, 11, 27)
    assert local_date(INSTANT.astimezone(ZoneInfo("America/Los_Angeles"))) == date(2026, 11, 27)
    assert local_date(INSTANT.astimezone()) == date(2026, 11, 27)  # in the server's zone
    assert local_date(datetime(2026, 11, 26, 15, 59, 59, tzinfo=UTC)) == date(2026, 11, 26)
    assert local_date(datetime(2026, 11, 26, 16, 0, tzinfo=UTC)) == date(2026, 11, 27)


def test_naive_datetimes_are_refused(server_tz):
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 11, 26, 17, 30))
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime.now())
