"""What the database holds, counted when /metrics is scraped: a few grouped counts over indexed
columns, the same for every worker (so not kept per process)."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import case, func, select

from ..applications.models import Application, ApplicationItem
from ..core.database import db, utcnow
from ..engine.calendar import local_date
from ..engine.states import ITEM_RUNNING, ApplicationState, Level
from ..outbox.models import OutboxMessage, OutboxStatus
from ..outbox.operations import status_counts

RUNNING_LEVELS = (Level.GREEN, Level.YELLOW, Level.RED, Level.STATUTORY)
# And "sent", not counted: it only grows, and counting it would read the whole outbox.
OUTBOX_STATUSES = (OutboxStatus.PENDING, OutboxStatus.LEASED, OutboxStatus.DEAD)
UNSENT = "Outbox messages waiting for a delivery, or in one (the backlog)"


class DatabaseGauges:
    """A collector for one scrape, inside the request's app context."""

    def collect(self):
        yield _by_label("onething_applications", "Applications by state", "state",
                        [state.value for state in ApplicationState], _applications_by_state())
        yield _by_label("onething_running_items", "Running items (open or in review) by warning "
                        "level, as the overdue board reads it", "level",
                        [level.value for level in RUNNING_LEVELS], _running_items_by_level())
        by_status = {status.value: count
                     for status, count in status_counts(OUTBOX_STATUSES).items()}
        yield GaugeMetricFamily("onething_outbox_unsent", UNSENT,
                                value=by_status["pending"] + by_status["leased"])
        yield _by_label("onething_outbox_messages", "Outbox messages not sent, by delivery "
                        "status (dead: given up after the last try)", "status",
                        [status.value for status in OUTBOX_STATUSES], by_status)
        yield GaugeMetricFamily("onething_outbox_expired_leases", "Outbox messages leased to "
                                "a delivery whose lease ran out (a worker died with them)",
                                value=_expired_leases())


def _by_label(name: str, documentation: str, label: str, values, counts: dict):
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value in values:  # every value, zeros too: a series that vanishes reads as no data
        family.add_metric([value], counts.get(value, 0))
    return family


def _applications_by_state() -> dict:
    rows = db.session.execute(select(Application.state, func.count()).group_by(Application.state))
    return {state.value: count for state, count in rows}


def _running_items_by_level() -> dict:
    item, today = ApplicationItem, local_date(utcnow())
    level = case((item.statutory_due < today, Level.STATUTORY.value),
                 (item.committed_due < today, Level.RED.value),
                 (item.yellow_on <= today, Level.YELLOW.value), else_=Level.GREEN.value)
    rows = db.session.execute(select(level, func.count()).where(item.state.in_(ITEM_RUNNING))
                              .group_by(level))
    return dict(rows.all())


def _expired_leases() -> int:
    return db.session.scalar(select(func.count()).where(
        OutboxMessage.status == OutboxStatus.LEASED, OutboxMessage.lease_expires_at < utcnow()))
