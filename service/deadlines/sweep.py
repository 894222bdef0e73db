"""The warning sweep: each item that turns yellow, red or statutorily overdue is announced once,
as an event and as outbox messages. Safe to run every minute from cron while the app serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from ..applications.models import Application, ApplicationItem, Event
from ..core.database import db
from ..engine.calendar import local_date
from ..engine.states import ITEM_RUNNING
from ..outbox.models import OutboxMessage

SYSTEM = "system"
_RANK = {None: 0, "yellow": 1, "red": 2, "statutory": 3}
_RUNNING = [state.value for state in ITEM_RUNNING]


@dataclass
class SweepReport:
    announced: dict[str, int] = field(default_factory=lambda: {"yellow": 0, "red": 0,
                                                               "statutory": 0})


def level_on(row: ApplicationItem, today: date) -> str | None:
    if row.statutory_due is not None and row.statutory_due < today:
        return "statutory"
    if row.committed_due is not None and row.committed_due < today:
        return "red"
    if row.yellow_on is not None and row.yellow_on <= today:
        return "yellow"
    return None


def sweep(now: datetime) -> SweepReport:
    """Announce every running item whose warning level rose since it was last announced."""
    today = local_date(now)
    item = ApplicationItem
    rising = or_(
        item.warned_level.is_(None),
        and_(item.warned_level == "yellow", item.committed_due < today),
        and_(item.warned_level == "red", item.statutory_due < today),
    )
    rows = db.session.execute(
        select(item, Application.number, Application.bundle_code)
        .join(Application, Application.id == item.application_id)
        .where(item.state.in_(_RUNNING), item.yellow_on <= today, rising)
        .order_by(item.id)
        # Another sweep running at the same moment takes the rows this one does not.
        .with_for_update(of=item, skip_locked=True)
    ).all()
    report = SweepReport()
    for row, number, bundle_code in rows:
        level = level_on(row, today)
        if _RANK[level] <= _RANK[row.warned_level]:
            continue
        row.warned_level = level
        report.announced[level] += 1
        _announce(row, number, bundle_code, level, now)
    db.session.flush()
    return report


def _announce(row: ApplicationItem, number: str, bundle_code: str, level: str,
              now: datetime) -> None:
    details = {"level": level, "committed_due": row.committed_due.isoformat(),
               "statutory_due": row.statutory_due.isoformat()}
    db.session.add(Event(application_id=row.application_id, item_code=row.item_code,
                         trigger=f"warn_{level}", from_state=row.state, to_state=row.state,
                         actor=SYSTEM, reason=_WHY[level], data=details, created_at=now))
    payload = {"application": number, "bundle": bundle_code, "item": row.item_code, **details}
    recipients = [("department", row.department_code)]
    if level != "yellow":  # late against the public promise: the applicant is told too
        recipients.append(("citizen", number))
    for kind, recipient in recipients:
        db.session.add(OutboxMessage(application_id=row.application_id, item_code=row.item_code,
                                     recipient_kind=kind, recipient=recipient,
                                     kind=f"deadline_{level}", payload=payload, created_at=now))


_WHY = {
    "yellow": "near its committed deadline",
    "red": "past its committed deadline",
    "statutory": "past its statutory deadline",
}
