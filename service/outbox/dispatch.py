"""Handing messages to the background delivery once the transaction that wrote them commits:
never before (the delivery must find the row) and never after a rollback. Whatever a
transaction adds to the outbox, or makes due again (``due_after_commit``), goes to the
dispatcher the jobs feature registers (``app.extensions["outbox_dispatch"]``); with none (no
broker configured), nothing is queued and `flask outbox deliver` sends by hand. A dispatch that
fails (the broker down) loses nothing: the re-dispatch finds the message due."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_app_context
from sqlalchemy import event

from ..core.database import db
from .models import OutboxMessage

log = logging.getLogger(__name__)
_DUE = "outbox_due"


def due_after_commit(ids: Iterable[int]) -> None:
    db.session.info.setdefault(_DUE, set()).update(ids)


def _collect(session, flush_context) -> None:
    new = [each.id for each in session.new if isinstance(each, OutboxMessage)]
    if new:
        session.info.setdefault(_DUE, set()).update(new)


def _dispatch(session) -> None:
    ids = session.info.pop(_DUE, None)
    if not ids or not has_app_context():
        return
    dispatcher = current_app.extensions.get("outbox_dispatch")
    if dispatcher is None:
        return
    try:
        dispatcher(sorted(ids))
    except Exception:  # committed is committed: the re-dispatch will find these
        log.warning("outbox messages %s not dispatched: the re-dispatch will", sorted(ids),
                    exc_info=True)


def _forget(session) -> None:
    session.info.pop(_DUE, None)


def init_app(app) -> None:
    if not event.contains(db.session, "after_commit", _dispatch):
        event.listen(db.session, "after_flush", _collect)
        event.listen(db.session, "after_commit", _dispatch)
        event.listen(db.session, "after_rollback", _forget)
