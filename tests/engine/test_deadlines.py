"""The statutory clock's pure core, against the 2026 schedule, worked out by hand.

2026 around Spring Festival: 2/14 Saturday is a make-up working day, 2/15-2/23 are off, 2/28
Saturday is a make-up working day; 1/1-1/3 are off, 1/4 Sunday is worked.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from service.engine.bundle import Bundle, Department, Item, Limits
from service.engine.calendar import Unit, WorkingCalendar
from service.engine.deadlines import (
    DEFAULT_YELLOW_SHARE,
    Deadlines,
    ItemProgress,
    Level,
    deadlines,
    intake_notice_due,
    level,
    merged_days,
    merged_spans,
    predicted_completion,
)
from service.engine.states import ItemState
from service.workdays.schedules import calendar_of, library_schedules


@cache
def library_calendar() -> WorkingCalendar:
    return calendar_of(library_schedules())


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def due(started_on, limits, pauses=(), extension=0) -> tuple[date, date]:
    found = deadlines(library_calendar(), started_on, limits, pauses, extension)
    return found.committed_due, found.statutory_due


TEN_AND_TWENTY = Limits(statutory=20, committed=10, unit=Unit.WORKING_DAYS)


def test_the_correction_notice_is_due_five_working_days_after_receipt():
    """Art. 32: received the day before National Day, the five days skip the holiday and count
    its make-up Saturday."""
    assert intake_notice_due(library_calendar(), d(9, 30)) == d(10, 13)
    assert intake_notice_due(library_calendar(), d(11, 30)) == d(12, 7)


# --- deadlines: working days, pauses ------------------------------------------------------------


def test_no_pause():
    # 1/16 F ... 1/29 Th is the 10th working day; 1/30, 2/2-2/6, 2/9-2/12 the 11th to 20th.
    assert due(d(1, 15), TEN_AND_TWENTY) == (d(1, 29), d(2, 12))


def test_paused_on_the_deadline_and_resumed_in_spring_festival():
    # Issue 10: due 1/29, paused that day, resumed 2/18 (a holiday). Adding the 12 working
    # days of the pause to the limit gave 2/14, four days before the item even resumed.
    # Nothing was left to count: the first working day on or after the resumption.
    committed, statutory = due(d(1, 15), TEN_AND_TWENTY, [(d(1, 29), d(2, 18))])
    assert committed == d(2, 24)
    # 10 counted by 1/29, 10 left from 2/18: 2/24-2/27, 2/28 (make-up Saturday), 3/2-3/6.
    assert statutory == d(3, 6)


def test_a_pause_begun_after_the_deadline_does_not_move_it():
    # Late since 1/30 against the committed limit: pausing cannot make it on time. The
    # statutory clock (due 2/12) was still running: 11 counted by 1/30, 9 left from 2/5:
    # 2/6, 2/9-2/13, 2/14 (make-up), 2/24, 2/25.
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(1, 30), d(2, 5))]) == (d(1, 29), d(2, 25))


def test_later_pauses_after_the_deadline_change_nothing_either():
    pauses = [(d(1, 30), d(2, 5)), (d(2, 9), d(2, 11))]
    # Statutory: 2 more counted by 2/9 (2/6, 2/9), 7 left from 2/11: 2/12, 2/13, 2/14, 2/24-2/27.
    assert due(d(1, 15), TEN_AND_TWENTY, pauses) == (d(1, 29), d(2, 27))
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(2, 13), d(2, 26))])[0] == d(1, 29)


def test_a_pause_inside_the_limit_moves_the_deadline_by_the_working_days_in_it():
    # 3 counted (1/16, 1/19, 1/20), 7 left from 1/27: 1/28-1/30, 2/2-2/5.
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(1, 20), d(1, 27))])[0] == d(2, 5)


def test_overlapping_pauses_of_parallel_items_stop_the_clock_once():
    overlapping = [(d(1, 21), d(1, 27)), (d(1, 20), d(1, 23))]
    assert due(d(1, 15), TEN_AND_TWENTY, overlapping) == due(
        d(1, 15), TEN_AND_TWENTY, [(d(1, 20), d(1, 27))])


def test_a_pause_resumed_the_day_it_began_changes_nothing():
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(1, 29), d(1, 29))]) == (d(1, 29), d(2, 12))


def test_a_pause_over_the_start_day_counts_from_the_resumption():
    # (1/10, 1/20] covers the start: the clock runs from 1/20, 10 days: 1/21-1/23, 1/26-1/30, 2/2-3.
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(1, 10), d(1, 20))])[0] == d(2, 3)
    # A pause that ended by the start day is none of this clock's business.
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(1, 5), d(1, 15))]) == (d(1, 29), d(2, 12))


# --- deadlines: make-up working days ------------------------------------------------------------

FOUR_AND_FIVE = Limits(statutory=5, committed=4, unit=Unit.WORKING_DAYS)


def test_make_up_saturday_as_the_deadline():
    # From 2/10: 2/11, 2/12, 2/13, 2/14 (Saturday, worked); the 5th is 2/24.
    assert due(d(2, 10), FOUR_AND_FIVE) == (d(2, 14), d(2, 24))


def test_paused_on_a_make_up_saturday_deadline_and_resumed_on_a_holiday():
    # The old arithmetic found no working day lost in (2/14, 2/16] and kept 2/14.
    assert due(d(2, 10), FOUR_AND_FIVE, [(d(2, 14), d(2, 16))]) == (d(2, 24), d(2, 24))


def test_resumed_on_a_make_up_saturday():
    # Nothing left: 2/28 itself, a working day. One left: 3/2.
    assert due(d(2, 10), FOUR_AND_FIVE, [(d(2, 14), d(2, 28))]) == (d(2, 28), d(3, 2))


def test_a_make_up_saturday_inside_a_pause_does_not_count():
    # 3 counted by 2/13; (2/13, 2/14] takes the Saturday; 1 left from 2/14 is 2/24, 2 is 2/25.
    assert due(d(2, 10), FOUR_AND_FIVE, [(d(2, 13), d(2, 14))]) == (d(2, 24), d(2, 25))


# --- deadlines: extensions ----------------------------------------------------------------------


def test_an_extension_adds_to_both_limits():
    # 1/29 + 5: 1/30, 2/2-2/5. 2/12 + 5: 2/13, 2/14, 2/24-2/26.
    assert due(d(1, 15), TEN_AND_TWENTY, extension=5) == (d(2, 5), d(2, 26))


def test_an_extension_with_the_spring_festival_pause():
    # 10 counted by 1/29, 5 left from 2/18: 2/24-2/27, 2/28 (make-up).
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(1, 29), d(2, 18))], extension=5)[0] == d(2, 28)


def test_a_pause_within_the_extended_limit_counts():
    # Extended to 2/5; paused 2/2 (after 1/29 but within the extension): 12 counted, 3 left
    # from 2/4: 2/5, 2/6, 2/9.
    assert due(d(1, 15), TEN_AND_TWENTY, [(d(2, 2), d(2, 4))], extension=5)[0] == d(2, 9)


# --- deadlines: natural days --------------------------------------------------------------------


def test_natural_days_paused_inside_the_limit():
    limits = Limits(statutory=10, committed=10, unit=Unit.NATURAL_DAYS)
    assert due(d(3, 2), limits)[0] == d(3, 12)
    # 3 counted by 3/5, 4 days stopped, 7 left from 3/9: 3/16 (a Monday).
    assert due(d(3, 2), limits, [(d(3, 5), d(3, 9))])[0] == d(3, 16)


def test_natural_days_paused_on_the_deadline_and_resumed_on_a_saturday():
    limits = Limits(statutory=10, committed=10, unit=Unit.NATURAL_DAYS)
    assert due(d(3, 2), limits, [(d(3, 12), d(3, 14))])[0] == d(3, 16)


def test_natural_days_paused_while_the_deadline_waits_for_the_holiday_to_end():
    # 2/5 + 10 = 2/15, a holiday: due 2/24. Paused on 2/20, while the 10 days had run out but
    # the deadline still waited on the holiday; resumed 2/26. The old arithmetic added the 6
    # days: 2/21 (a holiday) -> 2/24, before the resumption.
    limits = Limits(statutory=20, committed=10, unit=Unit.NATURAL_DAYS)
    assert due(d(2, 5), limits) == (d(2, 24), d(2, 25))
    # Statutory: 15 counted by 2/20, 5 left from 2/26: 3/3.
    assert due(d(2, 5), limits, [(d(2, 20), d(2, 26))]) == (d(2, 26), d(3, 3))


# --- deadlines: limit 0 (即办件) -----------------------------------------------------------------

ON_THE_SPOT = [Limits(statutory=0, committed=0, unit=unit) for unit in Unit]


@pytest.mark.parametrize("limits", ON_THE_SPOT, ids=lambda limits: limits.unit)
def test_limit_zero_stays_on_the_start_day_even_a_saturday(limits):
    assert due(d(3, 4), limits) == (d(3, 4), d(3, 4))
    assert due(d(3, 7), limits) == (d(3, 7), d(3, 7))


@pytest.mark.parametrize("limits", ON_THE_SPOT, ids=lambda limits: limits.unit)
def test_limit_zero_paused_on_the_start_day(limits):
    assert due(d(3, 4), limits, [(d(3, 4), d(3, 6))]) == (d(3, 6), d(3, 6))
    assert due(d(3, 4), limits, [(d(3, 4), d(3, 7))]) == (d(3, 9), d(3, 9))  # Saturday -> Monday
    assert due(d(3, 4), limits, [(d(3, 5), d(3, 9))]) == (d(3, 4), d(3, 4))  # already late


# --- deadlines: yellow and provisional ----------------------------------------------------------


def test_yellow_in_the_last_fifth_of_the_committed_limit():
    found = deadlines(library_calendar(), d(1, 15), TEN_AND_TWENTY)
    assert found == Deadlines(d(1, 29), d(2, 12), yellow_on=d(1, 28), provisional=False)
    # Two working days before the moved deadline: 2/14 (make-up Saturday) and 2/24.
    paused = deadlines(library_calendar(), d(1, 15), TEN_AND_TWENTY, [(d(1, 29), d(2, 18))])
    assert paused.yellow_on == d(2, 14)


def test_yellow_at_least_on_the_last_day():
    limits = Limits(statutory=1, committed=1, unit=Unit.WORKING_DAYS)
    found = deadlines(library_calendar(), d(3, 4), limits, yellow_share=DEFAULT_YELLOW_SHARE)
    assert found.yellow_on == found.committed_due == d(3, 5)
    spot = deadlines(library_calendar(), d(3, 7), ON_THE_SPOT[0])
    assert spot.yellow_on == d(3, 7)


def test_a_pause_into_an_unpublished_year_makes_the_deadline_provisional():
    limits = Limits(statutory=10, committed=10, unit=Unit.WORKING_DAYS)
    # 12/11, 12/14-12/18, 12/21-12/24.
    assert deadlines(library_calendar(), d(12, 10), limits).provisional is False
    paused = deadlines(library_calendar(), d(12, 10), limits, [(d(12, 24), d(1, 2, 2027))])
    assert (paused.committed_due, paused.provisional) == (d(1, 4, 2027), True)


# --- merged spans and paused days ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        ([], []),
        ([(d(1, 5), d(1, 9)), (d(1, 7), d(1, 13))], [(d(1, 5), d(1, 13))]),  # overlapping
        ([(d(1, 5), d(1, 20)), (d(1, 7), d(1, 9))], [(d(1, 5), d(1, 20))]),  # nested
        ([(d(1, 5), d(1, 9)), (d(1, 9), d(1, 13))], [(d(1, 5), d(1, 13))]),  # touching
        # 1/10 is not paused: two spans.
        ([(d(1, 10), d(1, 13)), (d(1, 5), d(1, 9))], [(d(1, 5), d(1, 9)), (d(1, 10), d(1, 13))]),
        ([(d(1, 5), d(1, 5)), (d(1, 7), d(1, 9))], [(d(1, 7), d(1, 9))]),  # empty
        ([(d(1, 5), d(1, 9)), (d(1, 5), d(1, 9))], [(d(1, 5), d(1, 9))]),  # the same twice
    ],
    ids=["none", "overlapping", "nested", "touching", "disjoint", "empty", "twice"],
)
def test_merged_spans(spans, merged):
    assert merged_spans(spans) == merged


def test_a_span_resumed_before_it_began_is_refused():
    with pytest.raises(ValueError, match="before it began"):
        merged_spans([(d(1, 9), d(1, 5))])


@pytest.mark.parametrize(
    ("spans", "working", "natural"),
    [
        ([], 0, 0),
        # 1/6-1/9, 1/12, 1/13 working; 1/6-1/13 natural.
        ([(d(1, 5), d(1, 9)), (d(1, 7), d(1, 13))], 6, 8),
        ([(d(1, 5), d(1, 20)), (d(1, 7), d(1, 9))], 11, 15),
        ([(d(1, 5), d(1, 9)), (d(1, 9), d(1, 13))], 6, 8),
        ([(d(2, 13), d(2, 24))], 2, 11),  # 2/14 (make-up) and 2/24
        ([(d(2, 13), d(2, 24)), (d(1, 29), d(2, 18))], 13, 26),
    ],
    ids=["none", "overlapping", "nested", "touching", "spring festival", "two items"],
)
def test_merged_days_counts_each_paused_day_once(spans, working, natural):
    calendar = library_calendar()
    assert merged_days(calendar, spans) == working
    assert merged_days(calendar, spans, Unit.WORKING_DAYS) == working
    assert merged_days(calendar, spans, Unit.NATURAL_DAYS) == natural


# --- level --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(1, 15), Level.GREEN),
        (d(1, 27), Level.GREEN),
        (d(1, 28), Level.YELLOW),  # yellow_on
        (d(1, 29), Level.YELLOW),  # the deadline itself is still in time
        (d(1, 30), Level.RED),
        (d(3, 1), Level.RED),
    ],
    ids=str,
)
def test_level(today, expected):
    assert level(today, committed_due=d(1, 29), yellow_on=d(1, 28)) is expected


def test_level_on_the_spot():
    assert level(d(3, 7), d(3, 7), d(3, 7)) is Level.YELLOW
    assert level(d(3, 8), d(3, 7), d(3, 7)) is Level.RED


# --- predicted completion -----------------------------------------------------------------------


def item(code: str, committed: int, *prerequisites: str) -> Item:
    return Item(code=code, name=code, department=Department("d", "d"),
                limits=Limits(statutory=committed, committed=committed, unit=Unit.WORKING_DAYS),
                prerequisites=prerequisites, materials=(), fields=(), produces=(), online=True)


# A (10) and B (5) in parallel, then C (3) after both.
BUNDLE = Bundle(code="b", name="b", audience="person",
                limits=Limits(statutory=20, committed=15, unit=Unit.WORKING_DAYS),
                items=(item("A", 10), item("B", 5), item("C", 3, "A", "B")),
                materials=(), form=(), digest="test")
ACCEPTED, TODAY = d(3, 2), d(3, 4)


def predict(**progress: ItemProgress) -> date:
    return predicted_completion(library_calendar(), BUNDLE, ACCEPTED, progress, TODAY)


def decided(on: date) -> ItemProgress:
    return ItemProgress(ItemState.APPROVED, committed_due=on, decided_on=on)


def running(committed_due: date, state: ItemState = ItemState.OPEN) -> ItemProgress:
    return ItemProgress(state, committed_due=committed_due)


PENDING = ItemProgress(ItemState.PENDING)


def test_prediction_when_everything_is_decided():
    denied = ItemProgress(ItemState.DENIED, committed_due=d(3, 20), decided_on=d(3, 5))
    assert predict(A=denied, B=decided(d(3, 3)), C=decided(d(3, 10))) == d(3, 10)


def test_prediction_runs_the_pending_item_after_its_prerequisites():
    # C starts when A is due (3/16): 3 working days, 3/19.
    assert predict(A=running(d(3, 16)), B=decided(d(3, 3)), C=PENDING) == d(3, 19)
    assert predict(A=running(d(3, 16), ItemState.PAUSED), B=running(d(3, 9)),
                   C=PENDING) == d(3, 19)


def test_prediction_of_an_overdue_item_is_today():
    # A was due 3/3: it may finish today, 3/4, and C three working days later.
    assert predict(A=running(d(3, 3), ItemState.REVIEWING), B=decided(d(3, 3)),
                   C=PENDING) == d(3, 9)


def test_prediction_with_nothing_started_counts_from_today():
    # A: 3/4 + 10 = 3/18; B: 3/11; C after A: 3/23.
    assert predict(A=PENDING, B=PENDING, C=PENDING) == d(3, 23)


def test_a_cancelled_prerequisite_means_its_dependant_never_finishes():
    cancelled = ItemProgress(ItemState.CANCELLED)
    assert predict(A=cancelled, B=running(d(3, 9)), C=PENDING) == d(3, 9)
    assert predict(A=cancelled, B=decided(d(3, 3)), C=PENDING) == d(3, 3)


def test_with_nothing_that_will_finish_the_prediction_is_the_acceptance_day():
    withdrawn = ItemProgress(ItemState.WITHDRAWN)
    assert predict(A=withdrawn, B=ItemProgress(ItemState.CANCELLED), C=PENDING) == ACCEPTED
