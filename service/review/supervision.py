"""What a department's supervisor watches: the overdue board (红黄牌), the extension requests
waiting for them, who works what, and this week in figures. Reads only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ..access.models import User
from ..applications.models import Application, ApplicationItem, ExtensionRequest
from ..catalog.models import ServiceItem
from ..core.database import db
from ..deadlines.board import overdue_items
from ..engine.calendar import SHANGHAI
from ..engine.states import ITEM_DECIDED, ITEM_RUNNING, ExtensionState
from .worklist import WORKING, item_level

BOARD_ROWS = 20


def board(departments: frozenset[str], today: date) -> dict:
    found, late_total = overdue_items(today, departments=sorted(departments), limit=BOARD_ROWS)
    names = dict(db.session.execute(select(ServiceItem.code, ServiceItem.name).where(
        ServiceItem.code.in_({item.item_code for item, _, _ in found}))).all())
    late = [{"item": item, "number": number, "name": names.get(item.item_code, item.item_code),
             "level": item_level(item, today)} for item, number, _ in found]
    return {"late": late, "late_total": late_total, "pending": pending_requests(departments),
            "workload": workload(departments), "week": this_week(departments, today),
            "today": today}


def pending_requests(departments: frozenset[str]) -> list[tuple[ExtensionRequest, str]]:
    """Extension requests waiting for a decision, the oldest first, with their numbers."""
    return list(db.session.execute(
        select(ExtensionRequest, Application.number)
        .join(ApplicationItem, ApplicationItem.id == ExtensionRequest.item_id)
        .join(Application, Application.id == ExtensionRequest.application_id)
        .where(ExtensionRequest.state == ExtensionState.PENDING,
               ApplicationItem.department_code.in_(sorted(departments)))
        .order_by(ExtensionRequest.id)).all())


def workload(departments: frozenset[str]) -> list[tuple[str | None, int]]:
    """Items to decide per person (None: nobody yet), the busiest first."""
    assignee = aliased(User)
    return list(db.session.execute(
        select(assignee.display_name, func.count())
        .select_from(ApplicationItem)
        .outerjoin(assignee, assignee.id == ApplicationItem.assignee_user_id)
        .where(ApplicationItem.state.in_(WORKING),
               ApplicationItem.department_code.in_(sorted(departments)))
        .group_by(assignee.display_name).order_by(func.count().desc())).all())


def this_week(departments: frozenset[str], today: date) -> dict[str, int]:
    """Since Monday: items received (opened), decided, decided by their committed day, and
    running past it now."""
    monday = datetime.combine(today - timedelta(days=today.weekday()), time(), SHANGHAI)
    item = ApplicationItem
    mine = item.department_code.in_(sorted(departments))
    decided = and_(mine, item.state.in_(ITEM_DECIDED), item.decided_at >= monday)
    count = func.count()
    received = db.session.scalar(select(count).where(mine, item.opened_at >= monday))
    decided_rows = db.session.execute(
        select(item.decided_at, item.committed_due).where(decided)).all()
    on_time = sum(1 for decided_at, due in decided_rows
                  if due is not None and decided_at.astimezone(SHANGHAI).date() <= due)
    overdue = db.session.scalar(select(count).where(
        mine, item.state.in_(ITEM_RUNNING), item.committed_due < today))
    return {"received": received, "decided": len(decided_rows), "on_time": on_time,
            "overdue": overdue}
