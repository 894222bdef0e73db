"""What the console and the CLI read of the outbox (the writes are delivery.py's)."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from ..core.database import db
from .models import OutboxMessage, OutboxStatus


def status_counts(statuses=tuple(OutboxStatus)) -> dict[OutboxStatus, int]:
    """How many messages stand in each of ``statuses`` (zeros too)."""
    counted = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.status.in_(statuses))
        .group_by(OutboxMessage.status)).all())
    return {status: counted.get(status, 0) for status in statuses}


def newest(status: OutboxStatus | None = None) -> Select:
    """The messages, newest first, those in ``status`` only if given."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return query if status is None else query.where(OutboxMessage.status == status)
