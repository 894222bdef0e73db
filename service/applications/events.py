"""The one writer of an application's history: every event, whoever causes it, is recorded here
with one vocabulary (``EventKind``) and a typed actor."""

from __future__ import annotations

from datetime import datetime

from ..core.database import db
from ..engine.actors import Actor
from ..engine.states import EventKind
from .models import Event


def record(application_id: int, kind: EventKind | str, actor: Actor, at: datetime, *,
           item_code: str | None = None, from_state: str | None = None,
           to_state: str, reason: str | None = None, data: dict | None = None) -> Event:
    event = Event(application_id=application_id, item_code=item_code, trigger=EventKind(kind),
                  from_state=from_state, to_state=to_state, actor_kind=actor.kind,
                  actor_user_id=actor.user_id, reason=reason, data=data or {}, created_at=at)
    db.session.add(event)
    return event
