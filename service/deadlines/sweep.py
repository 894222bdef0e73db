"""The warning sweep: each item that turns yellow, red or statutorily overdue is announced once,
as an event and as outbox messages. Safe to run every minute from cron while the app serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import lazyload

from ..applications import early_warnings
from ..applications.models import Application, ApplicationItem
from ..core.database import db
from ..engine.calendar import local_date
from ..engine.states import ITEM_RUNNING, WARNINGS, Level


@dataclass
class SweepReport:
    announced: dict[Level, int] = field(default_factory=lambda: dict.fromkeys(WARNINGS, 0))

    def __str__(self) -> str:
        return ", ".join(f"{level}: {count}" for level, count in self.announced.items())


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
        level = early_warnings.reached(row, today)
        if early_warnings.RANK[level] <= early_warnings.RANK[row.warned_level]:
            continue
        report.announced[level] += 1
        early_warnings.announce(row, application.number, application.bundle_code, level, now)
    db.session.flush()
    return report
