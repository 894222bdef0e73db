"""A department's items to decide, by committed deadline, with their level: reads only.

Levels come from the indexed date columns the clock keeps (``yellow_on``, ``committed_due``,
``statutory_due``), so a filter by level is a range on them, not a walk over applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..access.models import User, UserDepartment
from ..access.roles import DEPARTMENT_ROLES
from ..applications.models import Application, ApplicationItem
from ..catalog.models import Bundle, ServiceItem
from ..core.database import db
from ..engine.deadlines import level as running_level
from ..engine.states import ITEM_CLOCK_STOPPED, ITEM_RUNNING, ItemState, Level

WORKING = (*ITEM_RUNNING, *ITEM_CLOCK_STOPPED)
NOBODY = "nobody"  # the assignee filter for items nobody works yet


class View(StrEnum):
    MINE = "mine"  # assigned to me
    DEPARTMENT = "department"  # everything my departments have to decide


@dataclass(frozen=True)
class Filters:
    view: View = View.DEPARTMENT
    bundle: str | None = None
    state: ItemState | None = None
    level: Level | None = None
    assignee: str | None = None  # a user id, or NOBODY


@dataclass(frozen=True)
class Row:
    item: ApplicationItem
    number: str
    bundle_name: str
    item_name: str
    assignee_name: str | None
    level: Level | None


def item_level(item: ApplicationItem, today: date) -> Level | None:
    if item.committed_due is None:
        return None
    if item.state in ITEM_CLOCK_STOPPED:
        return Level.PAUSED
    if item.statutory_due is not None and today > item.statutory_due:
        return Level.STATUTORY
    return running_level(today, item.committed_due, item.yellow_on)


def _level_condition(level: Level, today: date):
    item = ApplicationItem
    running = item.state.in_(ITEM_RUNNING)
    within_statute = (item.statutory_due.is_(None)) | (item.statutory_due >= today)
    return {
        Level.PAUSED: item.state.in_(ITEM_CLOCK_STOPPED),
        Level.GREEN: and_(running, item.yellow_on > today),
        Level.YELLOW: and_(running, item.yellow_on <= today, item.committed_due >= today),
        Level.RED: and_(running, item.committed_due < today, within_statute),
        Level.STATUTORY: and_(running, item.statutory_due < today),
    }[level]


def _scope(departments: frozenset[str], user_id: int, filters: Filters, today: date):
    item = ApplicationItem
    conditions = [item.state.in_(WORKING), item.department_code.in_(sorted(departments))]
    if filters.view == View.MINE:
        conditions.append(item.assignee_user_id == user_id)
    if filters.bundle:
        conditions.append(Application.bundle_code == filters.bundle)
    if filters.state:
        conditions.append(item.state == filters.state)
    if filters.level:
        conditions.append(_level_condition(filters.level, today))
    if filters.assignee == NOBODY:
        conditions.append(item.assignee_user_id.is_(None))
    elif filters.assignee and filters.assignee.isdigit():
        conditions.append(item.assignee_user_id == int(filters.assignee))
    return conditions


def worklist(departments: frozenset[str], user_id: int, filters: Filters, today: date,
             offset: int = 0, limit: int = 20) -> tuple[list[Row], int]:
    """A page of the items, the most urgent deadline first, and how many match in all."""
    item, assignee = ApplicationItem, aliased(User)
    conditions = _scope(departments, user_id, filters, today)
    counted = select(func.count()).select_from(item)
    if filters.bundle:  # the one condition on the application: join it only for that
        counted = counted.join(Application, Application.id == item.application_id)
    total = db.session.scalar(counted.where(*conditions))
    found = db.session.execute(
        select(item, Application.number, Bundle.name, ServiceItem.name, assignee.display_name)
        .join(Application, Application.id == item.application_id)
        .join(Bundle, Bundle.code == Application.bundle_code)
        .outerjoin(ServiceItem, ServiceItem.code == item.item_code)
        .outerjoin(assignee, assignee.id == item.assignee_user_id)
        .where(*conditions)
        .order_by(item.committed_due, item.id).offset(offset).limit(limit))
    rows = [Row(row, number, bundle_name, item_name or row.item_code, assignee_name,
                item_level(row, today))
            for row, number, bundle_name, item_name, assignee_name in found]
    return rows, total


def level_counts(departments: frozenset[str], user_id: int, view: View,
                 today: date) -> dict[Level, int]:
    """How many of the view's items stand at each level, in one pass."""
    scope = _scope(departments, user_id, Filters(view=view), today)
    counted = [func.coalesce(func.sum(case((_level_condition(level, today), 1), else_=0)), 0)
               for level in LEVEL_ORDER]
    values = db.session.execute(select(*counted).select_from(ApplicationItem)
                                .where(*scope)).one()
    return dict(zip(LEVEL_ORDER, values, strict=True))


LEVEL_ORDER = (Level.STATUTORY, Level.RED, Level.YELLOW, Level.GREEN, Level.PAUSED)


def department_staff(departments: frozenset[str]) -> list[User]:
    """Who may be assigned an item of these departments."""
    return list(db.session.scalars(
        select(User).join(UserDepartment, UserDepartment.user_id == User.id)
        .where(UserDepartment.department_code.in_(sorted(departments)), User.active,
               User.role.in_(DEPARTMENT_ROLES))
        .distinct().order_by(User.display_name)))


def bundle_names() -> list[tuple[str, str]]:
    """(code, name) of every bundle, by name: the bundle filter's choices."""
    return list(db.session.execute(select(Bundle.code, Bundle.name).order_by(Bundle.name)).all())
