"""Deadlines, warning levels and predicted completion, from limits and a working calendar.

A deadline is recomputed from its inputs (start, limit, the paused spans, extension) whenever one
of them changes, never shifted in place: the clock is walked again over the calendar, so what a
pause does depends only on the days it covers and where the deadline stood when it began.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .bundle import Bundle, Limits
from .calendar import Unit, WorkingCalendar
from .states import ITEM_DECIDED, ItemState, Level

# An ended pause (paused_on, resumed_on): the days after paused_on, up to and including
# resumed_on, do not count.
Span = tuple[date, date]

DEFAULT_YELLOW_SHARE = 0.2  # yellow in the last 20% of the limit, and at least on its last day
# The window's own limits, in working days (行政许可法 art. 82 counts the law's days so):
INTAKE_NOTICE_DAYS = 5  # art. 32: a correction notice on the spot or within five days of receipt
DELIVERY_DAYS = 10  # art. 44: the licence issued and served within ten days of the decision


@dataclass(frozen=True)
class Deadlines:
    committed_due: date
    statutory_due: date | None  # None: a service commitment, with no statutory limit
    yellow_on: date  # from this day on, the warning level is yellow
    provisional: bool


def deadlines(calendar: WorkingCalendar, started_on: date, limits: Limits,
              pauses: Iterable[Span] = (), extension: int = 0,
              yellow_share: float = DEFAULT_YELLOW_SHARE) -> Deadlines:
    """Committed and statutory deadlines of a limit started on ``started_on``; no statutory
    deadline for a limit without a statutory limit.

    Args:
        pauses: ended pauses ``(paused_on, resumed_on)``, in any order, possibly overlapping
            (the spans of parallel items): the days of the unit in (paused_on, resumed_on] do
            not count. A pause stops a clock only if it began on or before that clock's
            deadline as it stood then; once late, an item stays late.
        extension: days of the limit's unit added to both limits.
    """
    spans = _after_start(started_on, merged_spans(pauses))
    committed = _due(calendar, started_on, limits.committed + extension, limits.unit, spans)
    statutory = (None if limits.statutory is None else
                 _due(calendar, started_on, limits.statutory + extension, limits.unit, spans))
    window = max(math.ceil(limits.committed * yellow_share), 1)
    yellow_on = max(calendar.before(committed, window - 1, limits.unit), started_on)
    last = committed if statutory is None else max(committed, statutory)
    return Deadlines(committed, statutory, yellow_on, calendar.is_provisional(started_on, last))


def _after_start(started_on: date, spans: list[Span]) -> list[Span]:
    """The merged spans as they meet a clock started on ``started_on``: what ended by then is
    gone; what covers it starts with it."""
    return [(max(paused_on, started_on), resumed_on) for paused_on, resumed_on in spans
            if resumed_on > started_on]


def _due(calendar: WorkingCalendar, started_on: date, count: int, unit: Unit,
         spans: list[Span]) -> date:
    """The deadline of ``count`` days of ``unit`` from ``started_on``, stopped by ``spans``
    (merged, sorted, none ending by ``started_on``).

    The same as walking the days one by one: each day of the unit outside a pause counts; the
    deadline is the first working day once ``count`` have (the start day itself for a limit of
    0), unless a pause begins that day: then the walk goes on from the resumption. This jumps
    from pause to pause instead.
    """
    due = calendar.deadline(started_on, count, unit).due
    counting_from, left = started_on, count
    for paused_on, resumed_on in spans:
        if paused_on > due:
            break  # already late when it paused: a stopped clock cannot make it on time
        # Natural days may have run out before a deadline moved off a holiday: none left.
        left = max(left - calendar.count_days(counting_from, paused_on, unit), 0)
        counting_from = resumed_on
        # With none left, the first working day from the resumption; else count on from it.
        due = calendar.next_working_day(calendar.deadline(resumed_on, left, unit).due)
    return due


def intake_notice_due(calendar: WorkingCalendar, received_on: date) -> date:
    """The last day to send the one-time correction notice for an application received on
    ``received_on``: after it, the application counts as accepted on that day (art. 32)."""
    return calendar.add_working_days(received_on, INTAKE_NOTICE_DAYS)


def level(today: date, committed_due: date, yellow_on: date) -> Level:
    if today > committed_due:
        return Level.RED
    return Level.YELLOW if today >= yellow_on else Level.GREEN


def short_limit_level(calendar: WorkingCalendar, due: date, today: date,
                      warning_days: int = 2) -> Level:
    """Where ``today`` stands against a limit of a few working days ending on ``due``: yellow
    on its last ``warning_days`` working days, red after."""
    return level(today, due, calendar.subtract_working_days(due, warning_days - 1))


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


def merged_spans(spans: Iterable[Span]) -> list[Span]:
    """The days covered by at least one span (paused_on, resumed_on], as sorted, disjoint spans
    that do not touch: overlapping pauses of parallel items stop the application's clock once,
    not twice. A span resumed on the day it began covers nothing and is dropped."""
    merged: list[Span] = []
    for paused_on, resumed_on in sorted(spans):
        if resumed_on < paused_on:
            raise ValueError(f"a pause resumed on {resumed_on} before it began on {paused_on}")
        if resumed_on == paused_on:
            continue
        if merged and paused_on <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], resumed_on))
        else:
            merged.append((paused_on, resumed_on))
    return merged


def merged_days(calendar: WorkingCalendar, spans: Iterable[Span],
                unit: Unit = Unit.WORKING_DAYS) -> int:
    """Days of ``unit`` covered by at least one span, for display: every paused day, including
    those of a pause that began after the deadline and so did not move it."""
    return sum(calendar.count_days(paused_on, resumed_on, unit)
               for paused_on, resumed_on in merged_spans(spans))
