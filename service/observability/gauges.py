"""What the database holds, counted when /metrics is scraped: a few grouped counts over indexed
columns, the same for every worker (so not kept per process)."""

from __future__ import annotations

from flask import current_app
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import bindparam, case, func, inspect, select, text

from ..applications.models import Application, ApplicationItem
from ..core.database import UTCDateTime, db, utcnow
from ..engine.calendar import local_date
from ..engine.states import ITEM_RUNNING, ApplicationState, Level
from ..outbox.models import OutboxMessage

RUNNING_LEVELS = (Level.GREEN, Level.YELLOW, Level.RED, Level.STATUTORY)
OUTBOX_STATUSES = ("pending", "leased", "dead")  # and "sent", not counted: it only grows
UNSENT = "Outbox messages waiting for a delivery, or in one (the backlog)"


class DatabaseGauges:
    """A collector for one scrape, inside the request's app context."""

    def collect(self):
        yield _by_label("onething_applications", "Applications by state", "state",
                        [state.value for state in ApplicationState], _applications_by_state())
        yield _by_label("onething_running_items", "Running items (open or in review) by warning "
                        "level, as the overdue board reads it", "level",
                        [level.value for level in RUNNING_LEVELS], _running_items_by_level())
        columns = _outbox_columns()
        if "status" not in columns:  # before the delivery's columns: unsent is the backlog
            unsent = db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None)))
            yield GaugeMetricFamily("onething_outbox_unsent", UNSENT, value=unsent)
            return
        by_status = _outbox_by_status()
        yield GaugeMetricFamily("onething_outbox_unsent", UNSENT,
                                value=by_status.get("pending", 0) + by_status.get("leased", 0))
        yield _by_label("onething_outbox_messages", "Outbox messages not sent, by delivery "
                        "status (dead: given up after the last try)", "status",
                        OUTBOX_STATUSES, by_status)
        if "lease_expires_at" in columns:
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


def _outbox_by_status() -> dict:
    rows = db.session.execute(text("SELECT status, count(*) FROM outbox_messages "
                                   "WHERE status IN ('pending', 'leased', 'dead') GROUP BY status"))
    return dict(rows.all())


def _expired_leases() -> int:
    query = text("SELECT count(*) FROM outbox_messages WHERE status = 'leased' "
                 "AND lease_expires_at < :now")
    query = query.bindparams(bindparam("now", utcnow(), UTCDateTime()))
    return db.session.scalar(query)


def _outbox_columns() -> set[str]:
    """The outbox's columns, read once per app: the delivery's status and lease came later."""
    key = "observability_outbox_columns"
    if key not in current_app.extensions:
        current_app.extensions[key] = {column["name"] for column in inspect(
            db.session.connection()).get_columns("outbox_messages")}
    return current_app.extensions[key]
