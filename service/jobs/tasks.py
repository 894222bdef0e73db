"""The tasks. Each runs in the Flask app's context (celery_app.py); each is safe to run twice
or on two workers at once: a delivery leases its message, the sweep locks its rows."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task
from flask import current_app

from ..access import phone_codes
from ..applications import drafts
from ..core.database import db, utcnow
from ..deadlines.sweep import sweep
from ..outbox import delivery
from ..stats import rollup

log = logging.getLogger(__name__)
DELIVER = "outbox.deliver"
REDISPATCH = "outbox.redispatch"
SWEEP = "sla.sweep"
ROLLUP = "stats.rollup"
PURGE = "housekeeping.purge"


def deliver_later(ids: Iterable[int], countdown: float | None = None) -> None:
    """Queue a delivery of each message: through this Flask app's own Celery app, not the
    process's default one (a test process holds several)."""
    task = current_app.extensions["celery"].tasks[DELIVER]
    for message_id in ids:
        task.apply_async((message_id,), countdown=countdown)


def _policy() -> delivery.Policy:
    return delivery.Policy.from_config(current_app.config)


@shared_task(name=DELIVER)
def deliver(message_id: int) -> None:
    result = delivery.deliver(message_id, current_app.extensions["outbox_senders"], _policy())
    if result.retry_in is not None:
        # On time if this worker lives; if it dies first, the re-dispatch finds the message due.
        deliver_later([message_id], countdown=result.retry_in.total_seconds())


@shared_task(name=REDISPATCH)
def redispatch() -> None:
    """Pending messages whose time came, and expired leases (a delivery that never came back):
    each to a delivery again. Beat runs it every OUTBOX_REDISPATCH_SECONDS."""
    ids = delivery.due(utcnow(), _policy())
    if ids:
        log.info("re-dispatching %d outbox messages", len(ids))
        deliver_later(ids)


@shared_task(name=SWEEP)
def sla_sweep() -> None:
    """`flask sla sweep` on beat's schedule; its messages are dispatched once it commits."""
    report = sweep(utcnow())
    db.session.commit()
    log.info("SLA sweep: %s", report)


@shared_task(name=ROLLUP)
def stats_rollup() -> None:
    """The figures' daily rollup brought up to date, every STATS_ROLLUP_SECONDS: the fewer the
    applications changed since, the fewer a dashboard counts live."""
    refreshed = rollup.refresh(utcnow())
    db.session.commit()
    log.info("rollup recomputed: %s", refreshed)


@shared_task(name=PURGE)
def purge() -> None:
    """Once a day: expired drafts with their uploaded files (`flask drafts purge`), and the
    sign-in codes past their day (`flask users purge-codes`)."""
    purged = drafts.purge_expired()
    codes = phone_codes.purge_expired()
    db.session.commit()
    log.info("purged %d expired drafts (%d attachments), %d sign-in codes",
             purged.drafts, purged.attachments, codes)
