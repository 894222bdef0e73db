"""The overdue board: running items at or past their warning day, most late first, read from
indexed date columns rather than computed application by application."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..applications.models import Application, ApplicationItem
from ..core.database import db
from ..engine.states import ITEM_RUNNING, Level


def overdue_items(today: date, *, departments: list[str] | None = None,
                  bundle: str | None = None, level: Level | None = None, offset: int = 0,
                  limit: int = 20):
    """Rows of (item, application number, bundle code), and how many match in all."""
    item = ApplicationItem
    conditions = [item.state.in_(ITEM_RUNNING), item.yellow_on <= today]
    if departments is not None:
        conditions.append(item.department_code.in_(departments))
    if bundle:
        conditions.append(Application.bundle_code == bundle)
    if level == Level.YELLOW:
        conditions.append(item.committed_due >= today)
    elif level == Level.RED:
        conditions.append(item.committed_due < today)
    elif level == Level.STATUTORY:
        conditions.append(item.statutory_due < today)
    counted = select(func.count()).select_from(item)
    if bundle:  # the one condition on the application: the count joins it only for that
        counted = counted.join(Application, Application.id == item.application_id)
    total = db.session.scalar(counted.where(*conditions))
    rows = db.session.execute(
        select(item, Application.number, Application.bundle_code)
        .join(Application, Application.id == item.application_id).where(*conditions)
        .order_by(item.committed_due, item.id).offset(offset).limit(limit)).all()
    return rows, total
