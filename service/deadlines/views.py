"""Where an application's and its items' clocks stand on a given day, for people to read."""

from __future__ import annotations

from datetime import date

from ..applications.models import Application, ApplicationItem, PausedSpan
from ..database import utcnow
from ..engine.calendar import local_date
from ..engine.deadlines import level
from ..engine.states import ITEM_CLOCK_STOPPED, ITEM_DECIDED, ITEM_RUNNING, ApplicationState

_FINISHED = (ApplicationState.CONCLUDED, ApplicationState.DELIVERED)


def application_clock(application: Application, today: date | None = None) -> dict:
    today = today or local_date(utcnow())
    clock = {
        "accepted_on": application.accepted_on,
        "committed_due": application.committed_due,
        "statutory_due": application.statutory_due,
        "predicted_on": application.predicted_on,
        "provisional": application.due_provisional,
        "paused_days": application.paused_days,
        "correction_notice_late": application.correction_notice_late,
        "level": None, "statutory_overdue": False, "on_time": None,
    }
    if application.committed_due is None:
        return clock
    if application.state in _FINISHED and application.concluded_at:
        concluded_on = local_date(application.concluded_at)
        clock["on_time"] = concluded_on <= application.committed_due
        clock["statutory_overdue"] = concluded_on > application.statutory_due
    elif application.state == ApplicationState.PROCESSING:
        clock["level"] = level(today, application.committed_due, application.yellow_on).value
        clock["statutory_overdue"] = today > application.statutory_due
    return clock


def item_clock(row: ApplicationItem, spans: list[PausedSpan], today: date | None = None) -> dict:
    today = today or local_date(utcnow())
    clock = {
        "started_on": row.clock_started_on,
        "committed_due": row.committed_due,
        "statutory_due": row.statutory_due,
        "provisional": row.due_provisional,
        "paused_days": row.paused_days,
        "extension_days": row.extension_days,
        "level": None, "statutory_overdue": False, "on_time": None,
        "paused_spans": [
            {"cause": span.cause, "note": span.note, "started_on": span.started_on,
             "ended_on": span.ended_on, "days": span.days}
            for span in sorted(spans, key=lambda span: span.id)
        ],
    }
    if row.committed_due is None:
        return clock
    if row.state in ITEM_DECIDED and row.decided_at:
        decided_on = local_date(row.decided_at)
        clock["on_time"] = decided_on <= row.committed_due
        clock["statutory_overdue"] = decided_on > row.statutory_due
    elif row.state in ITEM_RUNNING:
        clock["level"] = level(today, row.committed_due, row.yellow_on).value
        clock["statutory_overdue"] = today > row.statutory_due
    elif row.state in ITEM_CLOCK_STOPPED:
        clock["level"] = "paused"
    return clock
