"""Extensions as a request and an approval (行政许可法 art. 42: 经本行政机关负责人批准).

A reviewer requests days and says why; the department's supervisor approves, which fires
``extend`` (the one step that moves the clock), or refuses. Firing ``extend`` any other way (a
supervisor through the API) settles the item's pending request, or records one approved at once:
every extension has its request. Only flushes; the request commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..catalog.operations import machine_for
from ..core.database import db, utcnow
from ..core.problems import Missing
from ..engine.actors import Actor
from ..engine.errors import InvalidTriggerInput, TriggerNotAllowed
from ..engine.inputs import check_trigger_input
from ..engine.states import ExtensionState, Trigger
from . import operations
from .models import Application, ApplicationItem, ExtensionRequest
from .presenters import state_of


class ExtensionRequestNotFound(Missing):
    what = "extension request"


def request_extension(application: Application, item_code: str, days, reason: str | None,
                      actor: Actor, now: datetime | None = None) -> ExtensionRequest:
    """Ask for ``days`` more on a locked application's item, with the reason the applicant
    will read.

    Raises:
        InvalidTriggerInput: keyed ``reason`` or ``data.days`` (the statutory cap counts what
            was granted already). TriggerNotAllowed: the item cannot be extended now.
    """
    row = _row(application, item_code)
    allowed = operations.allowed_triggers(application)
    if Trigger.EXTEND.value not in allowed["items"].get(item_code, ()):
        raise TriggerNotAllowed(Trigger.EXTEND.value, item_code, state_of(application), allowed,
                                f"item {item_code!r} cannot be extended in its state")
    bundle = machine_for(application.bundle_version).bundle
    cleaned = check_trigger_input(bundle, Trigger.EXTEND, item_code, reason, {"days": days},
                                  extended=row.extension_days)
    if pending_for(row) is not None:
        raise InvalidTriggerInput({"data": {"days": [
            "a request for this item is waiting for its supervisor already"]}})
    now = now or utcnow()
    found = ExtensionRequest(application_id=application.id, item_id=row.id,
                             days=cleaned["days"], reason=reason.strip(),
                             state=ExtensionState.PENDING, requested_by_user_id=actor.user_id,
                             requested_at=now)
    db.session.add(found)
    db.session.flush()
    return found


def approve(application: Application, request_id: int, note: str | None,
            actor: Actor) -> Application:
    """Fire ``extend`` with the request's days and reason; the request is settled by it."""
    found = _pending(application, request_id)
    operations.fire_on(application, Trigger.EXTEND, found.item.item_code, found.reason,
                       {"days": found.days}, actor)
    found.decision_note = note
    db.session.flush()
    return application


def refuse(application: Application, request_id: int, note: str | None, actor: Actor,
           now: datetime | None = None) -> ExtensionRequest:
    """The supervisor says no: the clock does not move."""
    found = _pending(application, request_id)
    found.state, found.decided_by_user_id = ExtensionState.REFUSED, actor.user_id
    found.decided_at, found.decision_note = now or utcnow(), note
    db.session.flush()
    return found


def settle(row: ApplicationItem, days: int, reason: str | None, actor: Actor,
           now: datetime) -> None:
    """``extend`` was fired on ``row``: its pending request is approved, or one is recorded
    approved at once (by whoever fired it)."""
    found = pending_for(row)
    if found is None:
        found = ExtensionRequest(application_id=row.application_id, item_id=row.id, days=days,
                                 reason=(reason or "").strip(), requested_by_user_id=actor.user_id,
                                 requested_at=now)
        db.session.add(found)
    found.days, found.state = days, ExtensionState.APPROVED
    found.decided_by_user_id, found.decided_at = actor.user_id, now


def pending_for(row: ApplicationItem) -> ExtensionRequest | None:
    return db.session.scalar(select(ExtensionRequest).where(
        ExtensionRequest.item_id == row.id, ExtensionRequest.state == ExtensionState.PENDING))


def requests_of(application: Application) -> list[ExtensionRequest]:
    return list(db.session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.application_id == application.id)
        .order_by(ExtensionRequest.id)))


def _pending(application: Application, request_id: int) -> ExtensionRequest:
    found = db.session.get(ExtensionRequest, request_id)
    if (found is None or found.application_id != application.id
            or found.state != ExtensionState.PENDING):
        raise ExtensionRequestNotFound(f"no pending extension request {request_id}")
    return found


def _row(application: Application, item_code: str) -> ApplicationItem:
    for row in application.items:
        if row.item_code == item_code:
            return row
    raise InvalidTriggerInput({"item": [f"{item_code!r} is not an item of this application"]})
