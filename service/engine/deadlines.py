"""Deadlines, warning levels and predicted completion, from limits and a working calendar.

A deadline is recomputed from its inputs (start, limit, paused time, extension) whenever one of
them changes, never shifted in place: moving it by "exactly the paused working time" then holds
by construction, whatever the calendar between.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .bundle import Bundle, Limits
from .calendar import WORKING_DAYS, WorkingCalendar
from .states import ITEM_DECIDED, ItemState

DEFAULT_YELLOW_SHARE = 0.2  # yellow in the last 20% of the limit, and at least on its last day


class Level(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class Deadlines:
    committed_due: date
    statutory_due: date
    yellow_on: date  # from this day on, the warning level is yellow
    provisional: bool


def deadlines(calendar: WorkingCalendar, started_on: date, limits: Limits, paused: int = 0,
              extension: int = 0, yellow_share: float = DEFAULT_YELLOW_SHARE) -> Deadlines:
    """Committed and statutory deadlines of a limit started on ``started_on``.

    ``paused`` and ``extension`` are days of the limit's unit that do not count / were added.
    """
    extra = paused + extension
    committed = calendar.deadline(started_on, limits.committed + extra, limits.unit)
    statutory = calendar.deadline(started_on, limits.statutory + extra, limits.unit)
    window = max(math.ceil(limits.committed * yellow_share), 1)
    yellow_on = max(calendar.before(committed.due, window - 1, limits.unit), started_on)
    return Deadlines(committed.due, statutory.due, yellow_on,
                     committed.provisional or statutory.provisional)


def level(today: date, committed_due: date, yellow_on: date) -> Level:
    if today > committed_due:
        return Level.RED
    return Level.YELLOW if today >= yellow_on else Level.GREEN


@dataclass(frozen=True)
class ItemProgress:
    state: ItemState
    committed_due: date | None = None
    decided_on: date | None = None


def predicted_completion(calendar: WorkingCalendar, bundle: Bundle, accepted_on: date,
                         progress: dict[str, ItemProgress], today: date) -> date:
    """When the last item should be decided: decided items at their decision, running items at
    their committed deadline (or today, where that has passed), waiting items after their
    prerequisites by their committed limit. The critical path of the item graph."""
    finish: dict[str, date | None] = {}
    for code in bundle.execution_order():
        item = bundle.item(code)
        state = progress[code]
        if state.state in ITEM_DECIDED:
            finish[code] = state.decided_on
        elif state.state == ItemState.PENDING:
            starts = [finish[prerequisite] for prerequisite in item.prerequisites]
            if None in starts:  # a prerequisite will never finish: neither will this one
                finish[code] = None
                continue
            start = max([accepted_on, today, *starts])
            finish[code] = calendar.deadline(start, item.limits.committed, item.limits.unit).due
        elif state.committed_due is not None:
            finish[code] = max(state.committed_due, today)
        else:
            finish[code] = None  # cancelled or withdrawn
    dates = [day for day in finish.values() if day is not None]
    return max(dates, default=accepted_on)


def merged_days(calendar: WorkingCalendar, spans: list[tuple[date, date]],
                unit: str = WORKING_DAYS) -> int:
    """Days of ``unit`` covered by at least one span (start, end]: overlapping pauses of
    parallel items stop the application's clock once, not twice."""
    total, covered_until = 0, None
    for start, end in sorted(spans):
        if covered_until is not None and start < covered_until:
            start = covered_until
        if end > start:
            total += calendar.count_days(start, end, unit)
            covered_until = end if covered_until is None else max(covered_until, end)
    return total
