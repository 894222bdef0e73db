"""The statutory clock against a day-by-day walk, on the real 2025-2026 calendar and on random
calendars: random starts, limits, extensions and pauses, pauses begun on the deadline day or
after it, resumptions on days off, years without a schedule."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from service.engine.bundle import Limits
from service.engine.calendar import Unit, WorkingCalendar
from service.engine.deadlines import deadlines, merged_spans
from service.workdays.schedules import calendar_of, library_schedules

DAY = timedelta(days=1)
properties = settings(max_examples=150, deadline=None)
against_the_walk = settings(max_examples=250, deadline=None)


def walk(calendar: WorkingCalendar, started_on: date, count: int, unit: str,
         pauses: list[tuple[date, date]]) -> date:
    """The deadline, one day at a time: a day counts when it is of the unit and no pause
    (paused_on, resumed_on] covers it; once ``count`` have, the deadline is the first working
    day (the start day itself for a limit of 0) on which no pause begins."""
    def stopped_after(day: date) -> bool:  # a pause covers the next day
        return any(paused_on <= day < resumed_on for paused_on, resumed_on in pauses)

    day, left = started_on, count
    while True:
        if stopped_after(day):
            day += DAY
            continue
        if left == 0 and (day == started_on or calendar.is_working_day(day)):
            return day
        day += DAY
        if left and (unit == Unit.NATURAL_DAYS or calendar.is_working_day(day)):
            left -= 1


def provisional(calendar: WorkingCalendar, started_on: date, *dues: date) -> bool:
    return any(year not in calendar.published_years
               for year in range(started_on.year, max(dues).year + 1))


# --- calendars ----------------------------------------------------------------------------------


@cache
def real_calendar() -> WorkingCalendar:
    """2025 and 2026 as published; 2024 and 2027 weekends only."""
    schedules = library_schedules()
    return calendar_of([schedules[2025], schedules[2026]])


@st.composite
def synthetic_calendars(draw) -> WorkingCalendar:
    """Random runs of holidays and make-up weekend days, in the years published at random."""
    published = draw(st.frozensets(st.sampled_from([2030, 2031, 2032])))
    first_day, span = date(2030, 10, 1), 335  # to the end of August 2031
    holidays = {first_day + DAY * offset
                for first, length in draw(st.lists(st.tuples(st.integers(0, span),
                                                             st.integers(1, 10)), max_size=12))
                for offset in range(first, first + length)}
    workdays = {first_day + DAY * offset for offset in draw(st.lists(st.integers(0, span),
                                                                    max_size=12))}
    workdays = {day for day in workdays if day.weekday() >= 5 and day not in holidays}
    return WorkingCalendar(
        holidays=frozenset(day for day in holidays if day.year in published),
        workdays=frozenset(day for day in workdays if day.year in published),
        published_years=published,
    )


REAL = (st.just(None).map(lambda _: real_calendar()),
        st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)))
SYNTHETIC = (synthetic_calendars(),
             st.dates(min_value=date(2030, 11, 1), max_value=date(2031, 3, 31)))
units = st.sampled_from([Unit.WORKING_DAYS, Unit.NATURAL_DAYS])


@st.composite
def clocks(draw, calendars, starts):
    """A calendar, a start, limits, an extension and 0-3 pauses one after another, each begun
    on the deadline as it stands, before it, after it, or anywhere."""
    calendar, started_on, unit = draw(calendars), draw(starts), draw(units)
    committed = draw(st.integers(0, 60))
    limits = Limits(statutory=committed + draw(st.integers(0, 20)), committed=committed,
                    unit=unit)
    extension = draw(st.integers(0, 15) | st.just(0))
    pauses: list[tuple[date, date]] = []
    earliest = started_on
    for _ in range(draw(st.integers(0, 3))):
        due = walk(calendar, started_on, committed + extension, unit, pauses)
        when = draw(st.sampled_from(["on the deadline", "before it", "after it", "anywhere"]))
        if when == "on the deadline":
            paused_on = max(due, earliest)
        elif when == "before it":
            paused_on = earliest + DAY * draw(st.integers(0, max((due - earliest).days, 0)))
        elif when == "after it":
            paused_on = max(due, earliest) + DAY * draw(st.integers(1, 20))
        else:
            paused_on = earliest + DAY * draw(st.integers(0, 40))
        resumed_on = paused_on + DAY * draw(st.integers(0, 30))
        if draw(st.booleans()):  # resumed on a weekend or a holiday
            while calendar.is_working_day(resumed_on):
                resumed_on += DAY
        pauses.append((paused_on, resumed_on))
        earliest = resumed_on
    return calendar, started_on, limits, extension, pauses


@st.composite
def parallel_pauses(draw, calendars, starts):
    """Pauses of parallel items: overlapping, in any order, some before the start."""
    calendar, started_on, unit = draw(calendars), draw(starts), draw(units)
    committed = draw(st.integers(0, 60))
    pauses = [(started_on + DAY * offset, started_on + DAY * (offset + length))
              for offset, length in draw(st.lists(
                  st.tuples(st.integers(-10, 70), st.integers(0, 30)), max_size=4))]
    return calendar, started_on, Limits(committed, committed, unit), pauses


# --- the clock is the walk ----------------------------------------------------------------------


def check_against_the_walk(calendar, started_on, limits, extension, pauses):
    found = deadlines(calendar, started_on, limits, pauses, extension)
    committed = walk(calendar, started_on, limits.committed + extension, limits.unit, pauses)
    statutory = walk(calendar, started_on, limits.statutory + extension, limits.unit, pauses)
    assert (found.committed_due, found.statutory_due) == (committed, statutory)
    assert found.provisional is provisional(calendar, started_on, committed, statutory)
    assert started_on <= found.yellow_on <= found.committed_due


@against_the_walk
@given(clocks(*REAL))
def test_the_clock_is_the_walk_on_the_real_calendar(clock):
    check_against_the_walk(*clock)


@against_the_walk
@given(clocks(*SYNTHETIC))
def test_the_clock_is_the_walk_on_random_calendars(clock):
    check_against_the_walk(*clock)


@properties
@given(st.one_of(parallel_pauses(*REAL), parallel_pauses(*SYNTHETIC)))
def test_overlapping_pauses_are_walked_once(case):
    calendar, started_on, limits, pauses = case
    found = deadlines(calendar, started_on, limits, pauses)
    assert found.committed_due == walk(calendar, started_on, limits.committed, limits.unit,
                                       pauses)
    assert found == deadlines(calendar, started_on, limits, merged_spans(pauses))
    assert found == deadlines(calendar, started_on, limits, reversed(pauses))


# --- properties of the clock --------------------------------------------------------------------

any_clock = st.one_of(clocks(*REAL), clocks(*SYNTHETIC))


@properties
@given(any_clock)
def test_never_before_the_first_working_day_from_a_resumption_that_counted(clock):
    calendar, started_on, limits, extension, pauses = clock
    for due in (deadlines(calendar, started_on, limits, pauses, extension).committed_due,
                deadlines(calendar, started_on, limits, pauses, extension).statutory_due):
        # A pause that began by the final deadline began by the deadline as it stood then.
        counted = [resumed_on for paused_on, resumed_on in merged_spans(pauses)
                   if paused_on <= due and resumed_on > started_on]
        if counted:
            assert due >= calendar.next_working_day(max(counted))
            assert calendar.is_working_day(due)


@properties
@given(any_clock, st.integers(1, 30), st.integers(0, 30))
def test_a_pause_begun_after_the_deadline_never_moves_it(clock, after, length):
    calendar, started_on, limits, extension, pauses = clock
    found = deadlines(calendar, started_on, limits, pauses, extension)
    late = found.statutory_due + DAY * after
    assert deadlines(calendar, started_on, limits, [*pauses, (late, late + DAY * length)],
                     extension) == found
    # Nor does any pause in the case that began after it: dropping them changes nothing.
    kept = [pause for pause in pauses if pause[0] <= found.committed_due]
    assert deadlines(calendar, started_on, limits, kept, extension).committed_due == (
        found.committed_due)


@properties
@given(any_clock, st.integers(0, 20))
def test_monotone_in_the_limit_and_pauses_never_bring_it_forward(clock, more):
    calendar, started_on, limits, extension, pauses = clock
    found = deadlines(calendar, started_on, limits, pauses, extension)
    assert found.committed_due <= found.statutory_due
    longer = deadlines(calendar, started_on, limits, pauses, extension + more)
    assert longer.committed_due >= found.committed_due
    assert longer.statutory_due >= found.statutory_due
    unpaused = deadlines(calendar, started_on, limits, (), extension)
    assert found.committed_due >= unpaused.committed_due
    assert found.statutory_due >= unpaused.statutory_due


# --- working-day arithmetic on the same calendars -----------------------------------------------

any_calendar_and_day = st.one_of(st.tuples(*REAL), st.tuples(*SYNTHETIC))


@properties
@given(any_calendar_and_day, st.integers(0, 60))
def test_counting_the_working_days_added_gives_them_back(calendar_and_day, count):
    calendar, start = calendar_and_day
    assert calendar.count_working_days(start, calendar.add_working_days(start, count)) == count


@properties
@given(any_calendar_and_day, st.integers(0, 60))
def test_subtracting_undoes_adding_from_a_working_day(calendar_and_day, count):
    calendar, start = calendar_and_day
    start = calendar.next_working_day(start)
    due = calendar.add_working_days(start, count)
    assert calendar.subtract_working_days(due, count) == start
    assert calendar.add_working_days(calendar.subtract_working_days(start, count), count) == start
