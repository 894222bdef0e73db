"""Delivering the outbox, at least once: a delivery leases a message (it is ``leased`` until
``lease_expires_at``), sends it, and marks it ``sent``; a failure records its error and makes it
``pending`` again after a backoff that doubles per try, or ``dead`` after the last. A delivery
that never comes back (its worker killed) leaves a lease that expires: the re-dispatch hands the
message to another. The outbox table is the truth; the broker only says "look at message n".

Unlike the operations of a request, these commit themselves, more than once: the lease must be
visible to every other delivery before the sending starts, and must outlive a failed send."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from ..core.database import db, utcnow
from .dispatch import due_after_commit
from .models import OutboxMessage, OutboxStatus
from .senders import Sender

log = logging.getLogger(__name__)
_M = OutboxMessage
_ERROR_LENGTH = 1000
LOST_LEASE = "the lease expired on the last try: its delivery never came back"


@dataclass(frozen=True)
class Policy:
    lease: timedelta
    max_attempts: int
    first_retry: timedelta  # doubled after each failed try

    @classmethod
    def from_config(cls, config: Mapping) -> Policy:
        return cls(timedelta(seconds=config["OUTBOX_LEASE_SECONDS"]),
                   config["OUTBOX_MAX_ATTEMPTS"],
                   timedelta(seconds=config["OUTBOX_RETRY_SECONDS"]))

    def backoff(self, attempts: int) -> timedelta:
        return self.first_retry * 2 ** (attempts - 1)


@dataclass(frozen=True)
class Result:
    status: OutboxStatus | None  # None: not leased (sent already, held by another, not due)
    retry_in: timedelta | None = None


def _leasable(now: datetime, policy: Policy):
    return or_(
        and_(_M.status == OutboxStatus.PENDING,
             or_(_M.next_attempt_at.is_(None), _M.next_attempt_at <= now)),
        and_(_M.status == OutboxStatus.LEASED, _M.lease_expires_at <= now,
             _M.attempts < policy.max_attempts),
    )


def deliver(message_id: int, senders: Mapping[str, Sender], policy: Policy) -> Result:
    """Lease message ``message_id`` if it is due, send it, record what happened."""
    message = _lease(message_id, utcnow(), policy)
    if message is None:
        return Result(None)
    lease = message.lease_expires_at
    try:
        senders[message.recipient_kind].send(message)
    except Exception as error:  # whatever a sender raises, the message is tried again
        return _failed(message, lease, f"{type(error).__name__}: {error}", policy)
    db.session.execute(
        update(_M).where(_M.id == message.id, _M.status != OutboxStatus.SENT)
        .values(status=OutboxStatus.SENT, sent_at=utcnow(), lease_expires_at=None,
                next_attempt_at=None),
        execution_options={"synchronize_session": False})
    db.session.commit()
    return Result(OutboxStatus.SENT)


def _lease(message_id: int, now: datetime, policy: Policy) -> OutboxMessage | None:
    # SKIP LOCKED (PostgreSQL): a delivery never waits for another's lease of the same message;
    # the conditions are evaluated again on the row it locks. SQLite has one writer at a time.
    chosen = (select(_M.id).where(_M.id == message_id, _leasable(now, policy))
              .with_for_update(skip_locked=True))
    message = db.session.scalars(
        update(_M).where(_M.id.in_(chosen))
        .values(status=OutboxStatus.LEASED, attempts=_M.attempts + 1,
                lease_expires_at=now + policy.lease)
        .returning(_M),
        execution_options={"synchronize_session": False, "populate_existing": True}).first()
    db.session.commit()
    return message


def _failed(message: OutboxMessage, lease: datetime, error: str, policy: Policy) -> Result:
    now = utcnow()
    dead = message.attempts >= policy.max_attempts
    retry_in = None if dead else policy.backoff(message.attempts)
    log.warning("outbox message %d, try %d of %d: %s", message.id, message.attempts,
                policy.max_attempts, error)
    # Only while the lease is still this delivery's: a slower delivery whose lease another took
    # over must not undo the newer one's work.
    db.session.execute(
        update(_M).where(_M.id == message.id, _M.status == OutboxStatus.LEASED,
                         _M.lease_expires_at == lease)
        .values(status=OutboxStatus.DEAD if dead else OutboxStatus.PENDING,
                lease_expires_at=None, next_attempt_at=None if dead else now + retry_in,
                last_error=error[:_ERROR_LENGTH]),
        execution_options={"synchronize_session": False})
    db.session.commit()
    return Result(OutboxStatus.DEAD if dead else OutboxStatus.PENDING, retry_in)


def due(now: datetime, policy: Policy, limit: int = 1000) -> list[int]:
    """The messages a delivery should take now: pending whose time came, and leases expired.
    An expired lease on the last try is dead instead (its worker died on it, or hung)."""
    db.session.execute(
        update(_M).where(_M.status == OutboxStatus.LEASED, _M.lease_expires_at <= now,
                         _M.attempts >= policy.max_attempts)
        .values(status=OutboxStatus.DEAD, lease_expires_at=None, last_error=LOST_LEASE),
        execution_options={"synchronize_session": False})
    ids = list(db.session.scalars(
        select(_M.id).where(_leasable(now, policy)).order_by(_M.id).limit(limit)))
    db.session.commit()
    return ids


RETRYABLE = (OutboxStatus.DEAD, OutboxStatus.PENDING)


def retry(ids: Iterable[int] | None, now: datetime) -> list[int]:
    """Make messages due now with a new series of tries: those of ``ids`` that are dead or
    pending (waiting for a retry), or every dead one (``ids`` None); dispatched once the
    caller commits (this does not commit). Returns the ids."""
    chosen = (_M.status.in_(RETRYABLE) & _M.id.in_(list(ids)) if ids is not None
              else _M.status == OutboxStatus.DEAD)
    retried = list(db.session.scalars(
        update(_M).where(chosen)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now,
                lease_expires_at=None)
        .returning(_M.id),
        execution_options={"synchronize_session": False}))
    due_after_commit(retried)
    return sorted(retried)
