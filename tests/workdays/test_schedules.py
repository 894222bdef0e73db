"""Year schedules: seeded from chinese-calendar, or imported from an administrator's document."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
from marshmallow import ValidationError

from service.engine.calendar import Unit
from service.workdays.schedules import (
    YearSchedule,
    calendar_of,
    library_schedules,
    schedule_from_document,
)

NAMES = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
CHINESE = re.compile(r"^[\u4e00-\u9fff0-9]+$")

# An illustrative 2027 document, shaped as an administrator would write it.
DOCUMENT_2027 = {
    "year": 2027,
    "holidays": [
        {"date": "2027-01-01", "name": "元旦"},
        {"date": "2027-02-06", "name": "春节"},  # Saturday
        {"date": "2027-02-08", "name": "春节"},  # Monday
        {"date": "2027-10-01", "name": "国庆节"},
    ],
    "workdays": [
        {"date": "2027-02-20", "name": "春节"},  # Saturday
        {"date": "2027-10-10", "name": "国庆节"},  # Sunday
    ],
}


# --- the library ----------------------------------------------------------------------------


def test_library_covers_2004_to_2026():
    schedules = library_schedules()
    assert sorted(schedules) == list(range(2004, 2027))
    for year, schedule in schedules.items():
        assert schedule.year == year
        assert schedule.source == "chinese-calendar 1.11.0"
        assert schedule.holidays, year
        assert all(day.year == year for day in [*schedule.holidays, *schedule.workdays])


def test_library_names_are_chinese():
    schedules = library_schedules()
    every_name = {name for schedule in schedules.values()
                  for name in [*schedule.holidays.values(), *schedule.workdays.values()]}
    assert all(CHINESE.match(name) for name in every_name), every_name
    assert set(schedules[2026].holidays.values()) == NAMES
    assert schedules[2026].holidays[date(2026, 2, 17)] == "春节"
    assert schedules[2026].holidays[date(2026, 10, 1)] == "国庆节"
    assert schedules[2026].workdays[date(2026, 10, 10)] == "国庆节"
    assert schedules[2026].workdays[date(2026, 1, 4)] == "元旦"
    assert "70周年纪念日" in schedules[2015].holidays[date(2015, 9, 3)]  # 抗战胜利


def test_library_make_up_days_are_weekends_and_never_holidays():
    for schedule in library_schedules().values():
        assert all(day.weekday() >= 5 for day in schedule.workdays), schedule.year
        assert not set(schedule.workdays) & set(schedule.holidays), schedule.year


def test_a_make_up_day_for_next_years_new_year_belongs_to_its_own_year():
    # 2019's 元旦: 2018-12-30 to 2019-01-01 off, Saturday 2018-12-29 worked.
    schedules = library_schedules()
    assert schedules[2018].workdays[date(2018, 12, 29)] == "元旦"
    assert schedules[2018].holidays[date(2018, 12, 31)] == "元旦"
    assert schedules[2019].holidays[date(2019, 1, 1)] == "元旦"


@pytest.mark.parametrize("year", [2004, 2015, 2020, 2026])
def test_library_schedules_pass_the_import_schema(year):
    schedule = library_schedules()[year]
    document = {
        "year": year,
        "holidays": [{"date": day.isoformat(), "name": name}
                     for day, name in schedule.holidays.items()],
        "workdays": [{"date": day.isoformat(), "name": name}
                     for day, name in schedule.workdays.items()],
    }
    assert schedule_from_document(document, source=schedule.source) == schedule


# --- imported documents ---------------------------------------------------------------------


def test_a_valid_2027_document():
    schedule = schedule_from_document(copy.deepcopy(DOCUMENT_2027), source="国办发明电 2027.yaml")
    assert schedule == YearSchedule(
        year=2027,
        holidays={date(2027, 1, 1): "元旦", date(2027, 2, 6): "春节", date(2027, 2, 8): "春节",
                  date(2027, 10, 1): "国庆节"},
        workdays={date(2027, 2, 20): "春节", date(2027, 10, 10): "国庆节"},
        source="国办发明电 2027.yaml",
    )


def test_workdays_may_be_left_out():
    document = {"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}]}
    assert schedule_from_document(document, source="x").workdays == {}


def _with(path: tuple, value):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        target[last] = value
    return change


def _drop(path: tuple):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        del target[last]
    return change


@pytest.mark.parametrize(
    ("change", "where"),
    [
        pytest.param(_with(("holidays", 0, "date"), "2026-12-31"), ("holidays", 0, "date"),
                     id="holiday outside the year"),
        pytest.param(_with(("workdays", 1, "date"), "2028-01-01"), ("workdays", 1, "date"),
                     id="workday outside the year"),
        pytest.param(_with(("workdays", 0, "date"), "2027-02-24"), ("workdays", 0, "date"),
                     id="make-up workday on a Wednesday"),
        pytest.param(_with(("workdays", 1, "date"), "2027-02-06"), ("workdays", 1, "date"),
                     id="both holiday and workday"),
        pytest.param(_with(("remarks",), "draft"), ("remarks",), id="unknown key"),
        pytest.param(_with(("holidays", 2, "note"), "x"), ("holidays", 2, "note"),
                     id="unknown key in an entry"),
        pytest.param(_drop(("holidays", 1, "name")), ("holidays", 1, "name"), id="missing name"),
        pytest.param(_with(("holidays", 1, "name"), ""), ("holidays", 1, "name"),
                     id="empty name"),
        pytest.param(_with(("holidays", 0, "date"), "2027-02-30"), ("holidays", 0, "date"),
                     id="no such date"),
        pytest.param(_drop(("year",)), ("year",), id="missing year"),
        pytest.param(_drop(("holidays",)), ("holidays",), id="missing holidays"),
    ],
)
def test_a_bad_document_is_refused_naming_the_entry(change, where):
    document = copy.deepcopy(DOCUMENT_2027)
    change(document)
    with pytest.raises(ValidationError) as refused:
        schedule_from_document(document, source="x")
    messages = refused.value.messages
    for key in where:
        assert key in messages, (where, refused.value.messages)
        messages = messages[key]
    assert messages and all(isinstance(message, str) for message in messages)
    # Nothing else is blamed.
    assert len(refused.value.messages) == 1


def test_the_refusal_says_what_is_wrong():
    document = copy.deepcopy(DOCUMENT_2027)
    document["holidays"][0]["date"] = "2026-12-31"
    document["workdays"][1]["date"] = "2027-02-06"
    with pytest.raises(ValidationError) as refused:
        schedule_from_document(document, source="x")
    assert refused.value.messages == {
        "holidays": {0: {"date": ["not in 2027"]}},
        "workdays": {1: {"date": ["also listed as a holiday"]}},
    }


# --- calendars over several schedules -------------------------------------------------------


def test_calendar_of_several_schedules():
    library = library_schedules()
    imported = schedule_from_document(copy.deepcopy(DOCUMENT_2027), source="x")
    calendar = calendar_of({2026: library[2026], 2027: imported})
    assert calendar.published_years == frozenset({2026, 2027})
    assert calendar.holidays == frozenset(library[2026].holidays) | frozenset(imported.holidays)
    assert calendar.workdays == frozenset(library[2026].workdays) | frozenset(imported.workdays)
    assert calendar_of([library[2026], imported]) == calendar

    assert not calendar.is_working_day(date(2027, 2, 8))  # imported holiday on a Monday
    assert calendar.is_working_day(date(2027, 2, 20))  # imported make-up Saturday
    assert not calendar.is_working_day(date(2026, 10, 1))
    # 12/31 Th, [1/1 off], 1/4 M: across the boundary, both years published.
    deadline = calendar.deadline(date(2026, 12, 30), 2, Unit.WORKING_DAYS)
    assert (deadline.due, deadline.provisional) == (date(2027, 1, 4), False)
    # 2025 is not in this calendar: a deadline from there is provisional.
    assert calendar.deadline(date(2025, 12, 30), 2, Unit.WORKING_DAYS).provisional is True


def test_calendar_of_nothing_counts_weekends_only():
    calendar = calendar_of([])
    assert calendar.published_years == frozenset()
    assert calendar.is_working_day(date(2026, 10, 1))  # 国庆节 unknown: a plain Thursday
    assert not calendar.is_working_day(date(2026, 10, 10))  # make-up Saturday unknown
    assert calendar.deadline(date(2026, 3, 10), 1, Unit.WORKING_DAYS).provisional is True
