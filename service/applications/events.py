"""The one writer of an application's history: every event, whoever causes it, is recorded here
with one vocabulary (``EventKind``) and a typed actor, as the next link of the application's
chain (service/audit): numbered 1…n, hashed with its predecessor's hash."""

from __future__ import annotations

from datetime import datetime

from ..audit.chain import seal
from ..audit.key import audit_key
from ..core.database import db
from ..engine.actors import Actor
from ..engine.states import EventKind
from .models import Application, Event


def record(application_id: int, kind: EventKind | str, actor: Actor, at: datetime, *,
           item_code: str | None = None, from_state: str | None = None,
           to_state: str, reason: str | None = None, data: dict | None = None) -> Event:
    # The caller holds the application's row (operations.lock, or FOR UPDATE in the sweep and
    # the re-timing), so its head is the newest; were it not, the row's version counter and the
    # unique (application_id, seq) refuse the second writer instead of forking the chain. The
    # row is in the session already: no query, and several events of one step chain in order.
    application = db.session.get(Application, application_id)
    event = Event(application_id=application_id, seq=application.chain_seq + 1,
                  item_code=item_code, trigger=EventKind(kind), from_state=from_state,
                  to_state=to_state, actor_kind=actor.kind, actor_user_id=actor.user_id,
                  reason=reason, data=data or {}, created_at=at)
    event.chain_hash = seal(audit_key(), application.chain_head, event_fields(event))
    application.chain_seq, application.chain_head = event.seq, event.chain_hash
    db.session.add(event)
    return event


def event_fields(event) -> dict:
    """What an event's hash covers: all it records but its row id and the hash itself. Reads an
    ``Event`` or a row of the same columns."""
    return {"application_id": event.application_id, "seq": event.seq, "kind": event.trigger,
            "item_code": event.item_code, "from_state": event.from_state,
            "to_state": event.to_state, "actor_kind": event.actor_kind,
            "actor_user_id": event.actor_user_id, "reason": event.reason, "data": event.data,
            "at": event.created_at}
