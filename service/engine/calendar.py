"""Chinese working days: weekends, statutory holidays and make-up working days (调休).

All arithmetic is on dates in Asia/Shanghai; instants are converted with :func:`local_date`,
never with the server's own time zone. A year without a published schedule counts weekends only,
and every deadline that reaches into it is *provisional*.

Counting follows 民法典 art. 201 and 203: the start day is not counted, and a deadline that
falls on a non-working day moves to the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Unit(StrEnum):
    """How a limit counts its days (行政许可法 art. 82: working days, unless a law says
    otherwise)."""

    WORKING_DAYS = "working_days"
    NATURAL_DAYS = "natural_days"

_DAY = timedelta(days=1)


def local_date(instant: datetime) -> date:
    """The calendar day in China of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return instant.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool  # reaches into a year whose schedule is not published yet


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date]
    workdays: frozenset[date]  # weekend days that are working days
    published_years: frozenset[int]

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _DAY
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The day on which ``count`` working days after ``start`` have passed.

        ``start`` is not counted; a count of 0 is ``start`` itself (即办件, same day).
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count:
            day += _DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def subtract_working_days(self, end: date, count: int) -> date:
        """The day ``count`` working days before ``end``: ``end`` itself for 0, else a
        working day."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = end
        while count:
            day -= _DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def count_working_days(self, start: date, end: date) -> int:
        """Working days in (start, end]: after ``start``, up to and including ``end``."""
        if end <= start:
            return 0
        return sum(self.is_working_day(start + _DAY * offset)
                   for offset in range(1, (end - start).days + 1))

    def count_days(self, start: date, end: date, unit: Unit) -> int:
        """Days of ``unit`` in (start, end]."""
        if Unit(unit) == Unit.WORKING_DAYS:  # ValueError for an unknown unit
            return self.count_working_days(start, end)
        return max((end - start).days, 0)

    def deadline(self, start: date, count: int, unit: Unit) -> Deadline:
        """The last day of a limit of ``count`` days of ``unit`` that starts on ``start``."""
        if count < 0:
            raise ValueError("count must not be negative")
        if Unit(unit) == Unit.WORKING_DAYS:  # ValueError for an unknown unit
            due = self.add_working_days(start, count)
        else:
            due = self.next_working_day(start + _DAY * count) if count else start
        return Deadline(due, self.is_provisional(start, due))

    def before(self, due: date, count: int, unit: Unit) -> date:
        """The day ``count`` days of ``unit`` before ``due``."""
        if Unit(unit) == Unit.WORKING_DAYS:  # ValueError for an unknown unit
            return self.subtract_working_days(due, count)
        return due - _DAY * count

    def is_provisional(self, start: date, end: date) -> bool:
        return any(year not in self.published_years for year in range(start.year, end.year + 1))

    def missing_years(self, today: date) -> list[int]:
        """Years a deadline set today could reach with no published schedule: this year, and
        from 1 November (the State Council publishes in November) next year too."""
        years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
        return [year for year in years if year not in self.published_years]
