"""What each step of an application does to its clocks.

Called by the applications' operations in the same transaction as the step. Rules (docs/DOMAIN.md):
the day of acceptance does not count; a correction notice at intake issued more than 5 working
days after receipt deems the application accepted on the day of receipt (行政许可法 art. 32);
an item's clock starts when it opens and stops while it is paused (art. 45) or waits on the
applicant's correction; an approved extension adds to its limits (art. 42).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import or_, select

from ..core.database import db
from ..engine.actors import SYSTEM
from ..engine.bundle import Bundle
from ..engine.calendar import WorkingCalendar, local_date
from ..engine.deadlines import (
    DEFAULT_YELLOW_SHARE,
    INTAKE_NOTICE_DAYS,
    ItemProgress,
    deadlines,
    merged_days,
    predicted_completion,
)
from ..engine.machine import Step
from ..engine.states import (
    ITEM_CLOCK_STOPPED,
    ITEM_DECIDED,
    ITEM_RUNNING,
    ApplicationState,
    AutomaticTrigger,
    Bookkeeping,
    ClockStop,
    ItemState,
    Trigger,
)
from . import early_warnings, events
from .models import Application, ApplicationItem, PausedSpan

# Starting a review or a pause changes no deadline: the prediction (and the calendar read it
# needs) can wait for a step that does.
_KEEPS_PREDICTION = frozenset({Trigger.START_REVIEW, Trigger.PAUSE})


def overdue_items(application: Application, today: date) -> frozenset[str]:
    """Items past their committed deadline, too late for an extension: running ones, and
    stopped ones whose pause began after the deadline (a pause cannot make them on time)."""
    late = {row.item_code for row in application.items
            if row.state in ITEM_RUNNING and row.committed_due is not None
            and row.committed_due < today}
    stopped = {row.id: row for row in application.items
               if row.state in ITEM_CLOCK_STOPPED and row.committed_due is not None
               and row.committed_due < today}
    if stopped:
        pauses = db.session.execute(select(PausedSpan.item_id, PausedSpan.started_on).where(
            PausedSpan.item_id.in_(list(stopped)), PausedSpan.ended_on.is_(None)))
        late |= {stopped[item_id].item_code for item_id, paused_on in pauses
                 if paused_on > stopped[item_id].committed_due}
    return frozenset(late)


class Clock:
    """Applies the steps of one request to an application's deadlines."""

    def __init__(self, application: Application, bundle: Bundle, now: datetime,
                 load_calendar: Callable[[date], WorkingCalendar],
                 yellow_share: float = DEFAULT_YELLOW_SHARE):
        self.application = application
        self.yellow_share = yellow_share
        self.bundle = bundle
        self.now = now
        self.today = local_date(now)
        self._load_calendar = load_calendar
        self._calendar: WorkingCalendar | None = None

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = self._load_calendar(self.today)
        return self._calendar

    def apply(self, steps: list[Step], data: dict, reason: str | None) -> None:
        rows = {row.item_code: row for row in self.application.items}
        for step in steps:
            if step.item is None:
                self._application_step(step)
            else:
                self._item_step(step, rows[step.item], data, reason)
        moves_prediction = any(step.trigger not in _KEEPS_PREDICTION for step in steps)
        if moves_prediction and self.application.accepted_on is not None and (
                self.application.state in (ApplicationState.PROCESSING,
                                           ApplicationState.CONCLUDED)):
            self._predict()

    def _application_step(self, step: Step) -> None:
        application = self.application
        received = local_date(application.created_at)
        if step.trigger == Trigger.REQUEST_CORRECTION:
            late = self.calendar.count_working_days(received, self.today) > INTAKE_NOTICE_DAYS
            application.correction_notice_late = application.correction_notice_late or late
        elif step.trigger == Trigger.ACCEPT:
            application.accepted_on = received if application.correction_notice_late else (
                self.today)
            self._set_application_deadlines(pauses=())  # no item has run yet, none has paused
        elif step.trigger == AutomaticTrigger.CONCLUDE:
            application.concluded_at, application.concluded_on = self.now, self.today
            if application.accepted_on is not None:
                # The calendar read for today reaches a year back; older acceptances read theirs.
                calendar = (self.calendar if application.accepted_on.year >= self.today.year - 1
                            else self._load_calendar(application.accepted_on))
                application.turnaround_days = calendar.count_working_days(
                    application.accepted_on, self.today)

    def _item_step(self, step: Step, row: ApplicationItem, data: dict,
                   reason: str | None) -> None:
        item = self.bundle.item(row.item_code)
        if step.from_state == ItemState.PENDING and step.to_state == ItemState.OPEN:
            # Items open at acceptance run from the acceptance day (which a late correction
            # notice moves back to receipt); the others from the day their turn came.
            row.clock_started_on = (self.application.accepted_on if not item.prerequisites
                                    else self.today)
            self._set_item_deadlines(row, pauses=())
        elif step.to_state in ITEM_CLOCK_STOPPED and step.from_state not in ITEM_CLOCK_STOPPED:
            cause = data["cause"] if step.trigger == Trigger.PAUSE else ClockStop.CORRECTION
            db.session.add(PausedSpan(application_id=self.application.id, item_id=row.id,
                                      cause=cause, note=reason, started_at=self.now,
                                      started_on=self.today))
        elif step.from_state in ITEM_CLOCK_STOPPED and step.to_state not in ITEM_CLOCK_STOPPED:
            span = db.session.scalars(select(PausedSpan).where(
                PausedSpan.item_id == row.id, PausedSpan.ended_at.is_(None))).one()
            span.ended_at, span.ended_on = self.now, self.today
            span.days = self.calendar.count_days(span.started_on, self.today, item.limits.unit)
            row.paused_days += span.days
            self._set_item_deadlines(row)
            self._set_application_deadlines()
        elif step.trigger == Trigger.EXTEND:
            row.extension_days += data["days"]
            self._set_item_deadlines(row)

    def refresh(self) -> bool:
        """Recompute every deadline from its inputs (after the calendar changed). Returns
        whether any moved."""
        before = self._dues()
        for row in self.application.items:
            if row.clock_started_on is not None and row.state not in ITEM_DECIDED:
                self._set_item_deadlines(row)
                early_warnings.lower_if_moved(row, self.today)
        self._set_application_deadlines()
        self._predict()
        return self._dues() != before

    def _dues(self) -> list:
        rows = [self.application, *self.application.items]
        return [(row.committed_due, row.statutory_due, row.due_provisional) for row in rows]

    def _ended_pauses(self, item_id: int | None = None) -> list[tuple[date, date]]:
        """The ended pauses of one item, or of every item of the application."""
        query = select(PausedSpan.started_on, PausedSpan.ended_on).where(
            PausedSpan.application_id == self.application.id, PausedSpan.ended_on.is_not(None))
        if item_id is not None:
            query = query.where(PausedSpan.item_id == item_id)
        return [tuple(span) for span in db.session.execute(query)]

    def _set_item_deadlines(self, row: ApplicationItem,
                            pauses: list[tuple[date, date]] | None = None) -> None:
        found = deadlines(self.calendar, row.clock_started_on,
                          self.bundle.item(row.item_code).limits,
                          pauses=self._ended_pauses(row.id) if pauses is None else pauses,
                          extension=row.extension_days, yellow_share=self.yellow_share)
        row.committed_due, row.statutory_due = found.committed_due, found.statutory_due
        row.yellow_on, row.due_provisional = found.yellow_on, found.provisional

    def _set_application_deadlines(self, pauses: list[tuple[date, date]] | None = None) -> None:
        application = self.application
        if application.accepted_on is None:
            return
        pauses = self._ended_pauses() if pauses is None else pauses
        application.paused_days = merged_days(self.calendar, pauses, self.bundle.limits.unit)
        found = deadlines(self.calendar, application.accepted_on, self.bundle.limits,
                          pauses=pauses, yellow_share=self.yellow_share)
        application.committed_due, application.statutory_due = (found.committed_due,
                                                                 found.statutory_due)
        application.yellow_on, application.due_provisional = found.yellow_on, found.provisional

    def _predict(self) -> None:
        progress = {
            row.item_code: ItemProgress(
                state=ItemState(row.state), committed_due=row.committed_due,
                decided_on=local_date(row.decided_at) if row.decided_at else None)
            for row in self.application.items
        }
        self.application.predicted_on = predicted_completion(
            self.calendar, self.bundle, self.application.accepted_on, progress, self.today)


def refresh_running_deadlines(since: date, now: datetime,
                              load_calendar: Callable[[date], WorkingCalendar],
                              machine_for: Callable, yellow_share: float) -> int:
    """After a change to the calendar from ``since`` on: recompute the deadlines of every
    application in progress that can reach that day (provisional ones included), and record
    the move as an event. Returns how many applications' deadlines moved."""
    moved = 0
    applications = db.session.scalars(
        # The later of the two deadlines reaches the day; a bundle of service commitments
        # alone has no statutory one.
        select(Application).where(Application.state == ApplicationState.PROCESSING,
                                  or_(Application.statutory_due >= since,
                                      Application.committed_due >= since))
        .order_by(Application.id).with_for_update(of=Application))
    for application in applications:
        bundle = machine_for(application.bundle_version).bundle
        clock = Clock(application, bundle, now, load_calendar, yellow_share)
        if clock.refresh():
            moved += 1
            application.updated_at = now
            events.record(application.id, Bookkeeping.RECOMPUTE_DEADLINES, SYSTEM, now,
                          from_state=application.state, to_state=application.state,
                          reason=f"holiday calendar changed from {since.isoformat()}")
    db.session.flush()
    return moved
