"""Where an application's and its items' clocks stand on a given day, for people to read."""

from __future__ import annotations

from datetime import date

from ..core.database import utcnow
from ..engine.calendar import local_date
from ..engine.deadlines import level
from ..engine.states import (
    ITEM_CLOCK_STOPPED,
    ITEM_DECIDED,
    ITEM_RUNNING,
    ApplicationState,
    Level,
)
from .models import Application, ApplicationItem, PausedSpan

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
    }
    finished = application.concluded_at if application.state in _FINISHED else None
    running = application.state == ApplicationState.PROCESSING
    return {**clock, **_standing(application, today, finished, running)}


def item_clock(row: ApplicationItem, spans: list[PausedSpan], today: date | None = None) -> dict:
    today = today or local_date(utcnow())
    clock = {
        "started_on": row.clock_started_on,
        "committed_due": row.committed_due,
        "statutory_due": row.statutory_due,
        "provisional": row.due_provisional,
        "paused_days": row.paused_days,
        "extension_days": row.extension_days,
        "paused_spans": [
            {"cause": span.cause, "note": span.note, "started_on": span.started_on,
             "ended_on": span.ended_on, "days": span.days}
            for span in sorted(spans, key=lambda span: span.id)
        ],
    }
    finished = row.decided_at if row.state in ITEM_DECIDED else None
    standing = _standing(row, today, finished, row.state in ITEM_RUNNING)
    if row.committed_due is not None and row.state in ITEM_CLOCK_STOPPED:
        standing["level"] = Level.PAUSED
    return {**clock, **standing}


def _standing(row, today: date, finished_at, running: bool) -> dict:
    """Against its deadlines: the level while running; once finished, whether in time. Never
    statutorily overdue without a statutory deadline (a service commitment)."""
    standing = {"level": None, "statutory_overdue": False, "on_time": None}
    if row.committed_due is None:
        return standing
    if finished_at is not None:
        finished_on = local_date(finished_at)
        standing["on_time"] = finished_on <= row.committed_due
        standing["statutory_overdue"] = (row.statutory_due is not None
                                         and finished_on > row.statutory_due)
    elif running:
        standing["level"] = level(today, row.committed_due, row.yellow_on)
        standing["statutory_overdue"] = (row.statutory_due is not None
                                         and today > row.statutory_due)
    return standing
