"""Year schedules: from the maintained library, or from a file an administrator imports.

``chinese-calendar`` knows the State Council's schedules from 2004 to its last release and raises
for later years, so it never guesses; ``holidays`` (CN) guesses later years silently and is not
used. A year the library does not know must be imported (``flask calendar import FILE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version

from chinese_calendar import constants
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..engine.calendar import WorkingCalendar

_CHINESE_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass
class YearSchedule:
    year: int
    holidays: dict[date, str] = field(default_factory=dict)  # days off, weekends included
    workdays: dict[date, str] = field(default_factory=dict)  # weekend days worked (调休)
    source: str = ""


def library_schedules() -> dict[int, YearSchedule]:
    """Every year the installed chinese-calendar release knows."""
    source = f"chinese-calendar {version('chinese-calendar')}"
    schedules: dict[int, YearSchedule] = {}
    for kind, days in (("holidays", constants.holidays), ("workdays", constants.workdays)):
        for day, name in days.items():
            schedule = schedules.setdefault(day.year, YearSchedule(day.year, source=source))
            getattr(schedule, kind)[day] = _CHINESE_NAMES.get(name, name)
    return schedules


def calendar_of(schedules: dict[int, YearSchedule] | list[YearSchedule]) -> WorkingCalendar:
    values = schedules.values() if isinstance(schedules, dict) else schedules
    values = list(values)
    return WorkingCalendar(
        holidays=frozenset(day for schedule in values for day in schedule.holidays),
        workdays=frozenset(day for schedule in values for day in schedule.workdays),
        published_years=frozenset(schedule.year for schedule in values),
    )


class ScheduleDaySchema(Schema):
    class Meta:
        unknown = RAISE

    date = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class YearScheduleSchema(Schema):
    """A year's schedule as an administrator writes it (YAML or JSON)."""

    class Meta:
        unknown = RAISE

    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    holidays = fields.List(fields.Nested(ScheduleDaySchema), required=True)
    workdays = fields.List(fields.Nested(ScheduleDaySchema), load_default=list)

    @validates_schema
    def days_in_their_year(self, data, **kwargs):
        errors: dict = {}
        for kind in ("holidays", "workdays"):
            first_at: dict = {}
            for index, entry in enumerate(data.get(kind, [])):
                first = first_at.setdefault(entry["date"], index)
                if first != index:  # a second name for one day: which one would hold?
                    errors.setdefault(kind, {})[index] = {"date": [
                        f"{entry['date'].isoformat()} is listed twice (also at {first})"]}
                elif entry["date"].year != data["year"]:
                    errors.setdefault(kind, {})[index] = {"date": [f"not in {data['year']}"]}
                elif kind == "workdays" and entry["date"].weekday() < 5:
                    errors.setdefault(kind, {})[index] = {
                        "date": ["a make-up working day must fall on a weekend"]}
        holidays = {entry["date"] for entry in data.get("holidays", [])}
        for index, entry in enumerate(data.get("workdays", [])):
            if entry["date"] in holidays:
                errors.setdefault("workdays", {})[index] = {"date": ["also listed as a holiday"]}
        if errors:
            raise ValidationError(errors)


def schedule_from_document(document: dict, source: str) -> YearSchedule:
    """Raises ValidationError naming the offending entry."""
    data = YearScheduleSchema().load(document)
    return YearSchedule(
        year=data["year"],
        holidays={entry["date"]: entry["name"] for entry in data["holidays"]},
        workdays={entry["date"]: entry["name"] for entry in data["workdays"]},
        source=source,
    )
