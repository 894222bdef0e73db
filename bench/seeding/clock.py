"""The engine's working-day clock by day numbers, each answer computed once.

A year of applications asks for a few thousand distinct deadlines (a start day, a limit, the
odd pause); computed by ``service.engine.deadlines`` once each and then looked up. Days are
numbered from 1970-01-01 (days in Asia/Shanghai, as the app keeps them); instants are whole
seconds since the epoch, written as the app's UTC timestamps are read back.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from service.engine.bundle import Limits
from service.engine.calendar import Unit, WorkingCalendar
from service.engine.deadlines import deadlines, merged_days

EPOCH = date(1970, 1, 1)
SHANGHAI_OFFSET = 8 * 3600  # China has kept UTC+8 without daylight saving since 1991
DAY = 86_400


def local_day(instant: int) -> int:
    return (instant + SHANGHAI_OFFSET) // DAY


def midnight(day: int) -> int:
    """The instant the local ``day`` begins."""
    return day * DAY - SHANGHAI_OFFSET


class RememberingCalendar(WorkingCalendar):
    """A working calendar that remembers each answer of its walks over the days: the engine
    asks the same few thousand questions again and again."""

    @classmethod
    def of(cls, calendar: WorkingCalendar) -> RememberingCalendar:
        made = cls(calendar.holidays, calendar.workdays, calendar.published_years)
        object.__setattr__(made, "answers", {})
        return made

    def _remembered(self, walk, *question):
        found = self.answers.get((walk, *question))
        if found is None:
            found = self.answers[(walk, *question)] = walk(self, *question)
        return found

    def next_working_day(self, day: date) -> date:
        return self._remembered(WorkingCalendar.next_working_day, day)

    def add_working_days(self, start: date, count: int) -> date:
        return self._remembered(WorkingCalendar.add_working_days, start, count)

    def subtract_working_days(self, end: date, count: int) -> date:
        return self._remembered(WorkingCalendar.subtract_working_days, end, count)

    def count_working_days(self, start: date, end: date) -> int:
        return self._remembered(WorkingCalendar.count_working_days, start, end)


class Clock:
    def __init__(self, calendar: WorkingCalendar, yellow_share: float, first: date, last: date):
        self.calendar, self.yellow_share = RememberingCalendar.of(calendar), yellow_share
        self.first = (first - EPOCH).days
        span = range((last - first).days + 1)
        self.dates = [first + timedelta(days=offset) for offset in span]
        self.date_texts = [day.isoformat() for day in self.dates]
        # Timestamps as isoformat(timespec="microseconds") gives them in UTC: a day's part and
        # a second's, joined.
        self.day_parts = [f"{day.isoformat()}T" for day in self.dates]
        self.second_parts = [f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
                             ".000000+00:00" for second in range(DAY)]
        self.deadlines = cache(self._deadlines)
        self.count_days = cache(self._count_days)
        self.paused_days = cache(self._paused_days)
        self.working_days_after = cache(self._working_days_after)

    def date(self, day: int) -> date:
        return self.dates[day - self.first]

    def text(self, day: int) -> str:
        return self.date_texts[day - self.first]

    def text_or_null(self, day: int | None) -> str:
        return "\\N" if day is None else self.date_texts[day - self.first]

    def timestamp(self, instant: int) -> str:
        return self.day_parts[instant // DAY - self.first] + self.second_parts[instant % DAY]

    def day_of(self, value: date) -> int:
        return (value - EPOCH).days

    def _deadlines(self, started: int, limits: Limits, pauses: tuple[tuple[int, int], ...] = (),
                   extension: int = 0) -> tuple[int, int | None, int, bool]:
        """(committed due, statutory due or None, yellow from, provisional): as the app's
        clock sets them, for a clock started on day ``started``."""
        found = deadlines(self.calendar, self.date(started), limits,
                          pauses=[(self.date(start), self.date(end)) for start, end in pauses],
                          extension=extension, yellow_share=self.yellow_share)
        statutory = found.statutory_due
        return (self.day_of(found.committed_due),
                None if statutory is None else self.day_of(statutory),
                self.day_of(found.yellow_on), found.provisional)

    def _count_days(self, start: int, end: int, unit: Unit) -> int:
        return self.calendar.count_days(self.date(start), self.date(end), unit)

    def _paused_days(self, pauses: tuple[tuple[int, int], ...], unit: Unit) -> int:
        return merged_days(self.calendar, [(self.date(start), self.date(end))
                                           for start, end in pauses], unit)

    def _working_days_after(self, day: int, count: int) -> int:
        return self.day_of(self.calendar.add_working_days(self.date(day), count))
