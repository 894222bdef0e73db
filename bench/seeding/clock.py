"""The engine's working-day clock by day numbers, each answer computed once.

A year of applications asks for a few thousand distinct deadlines (a start day, a limit, the
odd pause); computed by ``service.engine.deadlines`` once each and then looked up. Days are
numbered from 1970-01-01 (days in Asia/Shanghai, as the app keeps them); instants are whole
seconds since the epoch, written as the app's UTC timestamps are read back.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

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


class TabledCalendar(WorkingCalendar):
    """The same calendar with its walks over the days made look-ups, in tables of the days
    from ``first`` to ``last`` (a walk that leaves them walks as the engine does): the engine
    asks the seed millions of questions. Checked against the engine's walks when made."""

    @classmethod
    def of(cls, calendar: WorkingCalendar, first: date, last: date) -> TabledCalendar:
        made = cls(calendar.holidays, calendar.workdays, calendar.published_years)
        days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        working = [calendar.is_working_day(day) for day in days]
        tables = {
            "first": first.toordinal(),
            "days": days,
            "working": working,
            "counted": list(accumulate(working)),  # working days from ``first`` to each day
            "working_days": [day for day, works in zip(days, working, strict=True) if works],
        }
        for name, table in tables.items():
            object.__setattr__(made, name, table)
        made._check_against(calendar, days)
        return made

    def _check_against(self, calendar: WorkingCalendar, days: list[date]) -> None:
        draw = random.Random(0)
        for _ in range(500):
            start, end = sorted(draw.sample(days[60:-60], 2))
            count = draw.randrange(40)
            if (self.count_working_days(start, end), self.add_working_days(start, count),
                    self.subtract_working_days(end, count), self.next_working_day(start)) != (
                    calendar.count_working_days(start, end),
                    calendar.add_working_days(start, count),
                    calendar.subtract_working_days(end, count),
                    calendar.next_working_day(start)):
                raise AssertionError(f"the tabled calendar differs from the engine's: {start}, "
                                     f"{end}, {count}")

    def _offset(self, day: date) -> int:
        offset = day.toordinal() - self.first
        return offset if 0 <= offset < len(self.days) else -1

    def next_working_day(self, day: date) -> date:
        offset = self._offset(day)
        if offset < 0 or self.counted[offset] >= len(self.working_days):
            return super().next_working_day(day)
        return day if self.working[offset] else self.working_days[self.counted[offset]]

    def add_working_days(self, start: date, count: int) -> date:
        offset = self._offset(start)
        if count <= 0 or offset < 0 or self.counted[offset] + count > len(self.working_days):
            return super().add_working_days(start, count)
        return self.working_days[self.counted[offset] + count - 1]

    def subtract_working_days(self, end: date, count: int) -> date:
        offset = self._offset(end)
        if count <= 0 or offset < 0:
            return super().subtract_working_days(end, count)
        before = self.counted[offset] - self.working[offset] - count  # the one wanted, from 0
        return self.working_days[before] if before >= 0 else super().subtract_working_days(
            end, count)

    def count_working_days(self, start: date, end: date) -> int:
        first, last = self._offset(start), self._offset(end)
        if end <= start or first < 0 or last < 0:
            return super().count_working_days(start, end)
        return self.counted[last] - self.counted[first]


class Clock:
    def __init__(self, calendar: WorkingCalendar, yellow_share: float, first: date, last: date):
        self.calendar = TabledCalendar.of(calendar, first, last)
        self.yellow_share = yellow_share
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
