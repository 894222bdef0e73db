"""What the status page shows, assembled from the application, its bundle and its clocks.

An application submitted online waits for the window's pre-review (预审): the applicant is told
by which day the service centre must send a one-time correction notice, failing which it counts
as accepted on the day it was received (行政许可法 art. 32, five working days, art. 82)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import gettext as _

from ..applications import operations
from ..applications.clock_view import application_clock, item_clock
from ..applications.models import Application
from ..applications.presenters import last_event, waiting_notices
from ..applications.ratings import rating_of
from ..catalog.operations import machine_for
from ..core.database import utcnow
from ..engine.calendar import Unit, local_date
from ..engine.deadlines import intake_notice_due
from ..engine.states import ApplicationState, Channel, EventKind
from ..workdays.operations import calendar_around
from .wording import (
    APPLICATION_STATES,
    DELIVERY,
    ITEM_STATES,
    LEVELS,
    ONLINE_PREREVIEW,
    ONLINE_SUPPLEMENTED,
    OUTCOMES,
    PAUSE_CAUSES,
    STEPS,
)

_HIDDEN_STEPS = {EventKind.START_REVIEW, EventKind.RECOMPUTE_DEADLINES}  # staff-side bookkeeping


def status_of(application: Application, today: date | None = None) -> dict:
    today = today or local_date(utcnow())
    bundle = machine_for(application.bundle_version).bundle
    events = operations.history(application)
    spans = defaultdict(list)
    for span in operations.paused_spans(application, events):
        spans[span.item_id].append(span)
    clock = application_clock(application, today)
    items = []
    for row in application.items:
        item = bundle.item(row.item_code)
        item_time = item_clock(row, spans[row.id], today)
        items.append({
            "name": item.name, "department": item.department.name,
            "state": ITEM_STATES[row.state], "state_code": row.state,
            "due": item_time["committed_due"], "level": item_time["level"],
            "level_words": LEVELS.get(item_time["level"]), "reason": row.reason,
            "pauses": [{"cause": PAUSE_CAUSES.get(span["cause"], span["cause"]),
                        "from": span["started_on"], "to": span["ended_on"],
                        "days": span["days"]} for span in item_time["paused_spans"]],
        })
    received_on = local_date(application.created_at)
    notices = waiting_notices(application, events, bundle)
    return {
        "number": application.number,
        "bundle": bundle.name,
        "state": application.state,
        "words": _state_words(application, events),
        "prereview": _prereview(application, events, received_on, today),
        "outcome": OUTCOMES.get(application.outcome),
        "received_on": received_on,
        "clock": clock,
        "tasks": items,
        "todo": _todo(notices),
        "notices": notices,  # as waiting_notices gives them, for a page that takes answers
        "timeline": [
            {"on": local_date(event.created_at), "words": STEPS.get(event.trigger, event.trigger),
             "item": bundle.item(event.item_code).name if event.item_code else None,
             "reason": event.reason, "extended_by": _extended_by(event, bundle)}
            for event in events if event.trigger in STEPS and event.trigger not in _HIDDEN_STEPS
        ],
        "delivery": DELIVERY[application.delivery_method],
        "documents": [{"document": result.document, "number": result.number,
                       "valid_until": result.valid_until}
                      for result in operations.results(application)],
        "rated": rating_of(application),
    }


def _noticed(events) -> bool:
    """Whether the window has sent its one correction notice at intake."""
    return last_event(events, None, EventKind.REQUEST_CORRECTION) is not None


def _state_words(application: Application, events):
    if application.channel == Channel.ONLINE and application.state == ApplicationState.SUBMITTED:
        return ONLINE_SUPPLEMENTED if _noticed(events) else ONLINE_PREREVIEW
    return APPLICATION_STATES[application.state]


def _prereview(application: Application, events, received_on: date,
               today: date) -> dict | None:
    """Submitted online and not yet answered by a notice: the last day for one, as the window's
    queue counts it, and whether it has passed."""
    if (application.channel != Channel.ONLINE or application.state != ApplicationState.SUBMITTED
            or _noticed(events)):
        return None
    due_on = intake_notice_due(calendar_around(today), received_on)
    return {"due_on": due_on, "passed": today > due_on}


def _todo(notices: list[dict]) -> list[dict]:
    """What the applicant must do now: every material the correction notices ask for, with
    what is wrong with it, and by when."""
    return [{"who": notice["department"], "reason": notice["reason"],
             "materials": [_wanted(entry) for entry in notice["missing"]],
             "due_on": notice["due_on"]}
            for notice in notices]


def _wanted(entry: dict) -> str:
    return f"{entry['name']}（{entry['note']}）" if entry["note"] else entry["name"]


def _extended_by(event, bundle) -> str | None:
    """An extension in words, as art. 42 asks the applicant be told it: days and reason."""
    if event.trigger != EventKind.EXTEND:
        return None
    unit = bundle.item(event.item_code).limits.unit
    days = event.data.get("days", 0)
    if unit == Unit.WORKING_DAYS:
        return _("延长%(days)d个工作日：%(reason)s", days=days, reason=event.reason or "")
    return _("延长%(days)d日：%(reason)s", days=days, reason=event.reason or "")
