"""Announcing a rising warning on an item: an event in its history and messages to the
department (and, once late against the public promise, to the applicant). The sweep decides
which items; this module writes."""

from __future__ import annotations

from datetime import date, datetime

from ..core.database import db
from ..engine.actors import SYSTEM
from ..engine.states import WARNINGS, Bookkeeping, Level
from ..outbox.models import OutboxMessage
from . import events
from .models import ApplicationItem

RANK = {None: 0, **{level: rank for rank, level in enumerate(WARNINGS, start=1)}}
_KINDS = {Level.YELLOW: Bookkeeping.WARN_YELLOW, Level.RED: Bookkeeping.WARN_RED,
          Level.STATUTORY: Bookkeeping.WARN_STATUTORY}
_WHY = {
    Level.YELLOW: "near its committed deadline",
    Level.RED: "past its committed deadline",
    Level.STATUTORY: "past its statutory deadline",
}


def reached(row: ApplicationItem, today: date) -> Level | None:
    """The highest warning a running item has reached by ``today``, if any."""
    if row.statutory_due is not None and row.statutory_due < today:
        return Level.STATUTORY
    if row.committed_due is not None and row.committed_due < today:
        return Level.RED
    if row.yellow_on is not None and row.yellow_on <= today:
        return Level.YELLOW
    return None


def lower_if_moved(row: ApplicationItem, today: date) -> None:
    """After its deadlines moved later (a new calendar, a new version of its bundle): the
    warning announced is lowered to the one reached now, so the next rise is announced again."""
    now_reached = reached(row, today)
    if RANK[now_reached] < RANK[row.warned_level]:
        row.warned_level = now_reached


def announce(row: ApplicationItem, number: str, bundle_code: str, level: Level,
             now: datetime) -> None:
    """Record that ``row`` reached ``level`` (once: its ``warned_level`` rises to it)."""
    row.warned_level = level
    details = {"level": level.value, "committed_due": row.committed_due.isoformat(),
               "statutory_due": row.statutory_due and row.statutory_due.isoformat()}
    events.record(row.application_id, _KINDS[level], SYSTEM, now, item_code=row.item_code,
                  from_state=row.state, to_state=row.state, reason=_WHY[level], data=details)
    payload = {"application": number, "bundle": bundle_code, "item": row.item_code, **details}
    recipients = [("department", row.department_code)]
    if level != Level.YELLOW:  # late against the public promise: the applicant is told too
        recipients.append(("citizen", number))
    for kind, recipient in recipients:
        db.session.add(OutboxMessage(application_id=row.application_id, item_code=row.item_code,
                                     recipient_kind=kind, recipient=recipient,
                                     kind=f"deadline_{level.value}", payload=payload,
                                     created_at=now))
