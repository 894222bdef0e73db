"""The warning sweep: each item that turns yellow, red or statutorily overdue is announced once,
as an event and as outbox messages. Safe to run every minute from cron while the app serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import lazyload

from ..applications import early_warnings
from ..applications.models import Application, ApplicationItem
from ..core.database import db
from ..engine.calendar import local_date
from ..engine.states import ITEM_RUNNING, WARNINGS, Level

_RANK = {None: 0, **{level: rank for rank, level in enumerate(WARNINGS, start=1)}}


@dataclass
class SweepReport:
    announced: dict[Level, int] = field(default_factory=lambda: dict.fromkeys(WARNINGS, 0))


def level_on(row: ApplicationItem, today: date) -> Level | None:
    """The highest warning a running item has reached by ``today``, if any."""
    if row.statutory_due is not None and row.statutory_due < today:
        return Level.STATUTORY
    if row.committed_due is not None and row.committed_due < today:
        return Level.RED
    if row.yellow_on is not None and row.yellow_on <= today:
        return Level.YELLOW
    return None


def sweep(now: datetime) -> SweepReport:
    """Announce every running item whose warning level rose since it was last announced."""
    today = local_date(now)
    item = ApplicationItem
    rising = or_(
        item.warned_level.is_(None),
        and_(item.warned_level == Level.YELLOW, item.committed_due < today),
        and_(item.warned_level == Level.RED, item.statutory_due < today),
    )
    rows = db.session.execute(
        select(item, Application)
        .join(Application, Application.id == item.application_id)
        .where(item.state.in_(ITEM_RUNNING), item.yellow_on <= today, rising)
        .order_by(item.id)
        # The application too: its events' chain grows with the warning. Another sweep running
        # at the same moment takes the rows this one does not, and an application a step holds
        # is left for the next run (which is also why the sweep never waits, so never deadlocks
        # with a step that holds the application and waits for its item).
        .with_for_update(of=(item, Application), skip_locked=True)
        .options(lazyload(Application.bundle_version), lazyload(Application.items))
        .execution_options(populate_existing=True)
    ).all()
    report = SweepReport()
    for row, application in rows:
        level = level_on(row, today)
        if _RANK[level] <= _RANK[row.warned_level]:
            continue
        report.announced[level] += 1
        early_warnings.announce(row, application.number, application.bundle_code, level, now)
    db.session.flush()
    return report
