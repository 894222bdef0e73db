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
    query = (select(item, Application.number, Application.bundle_code)
             .join(Application, Application.id == item.application_id)
             .where(item.state.in_(ITEM_RUNNING), item.yellow_on <= today))
    if departments is not None:
        query = query.where(item.department_code.in_(departments))
    if bundle:
        query = query.where(Application.bundle_code == bundle)
    if level == Level.YELLOW:
        query = query.where(item.committed_due >= today)
    elif level == Level.RED:
        query = query.where(item.committed_due < today)
    elif level == Level.STATUTORY:
        query = query.where(item.statutory_due < today)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(item.committed_due, item.id).offset(offset).limit(limit)).all()
    return rows, total
