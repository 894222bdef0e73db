"""Who in a department works an item: its supervisor assigns it, or a reviewer takes one nobody
has. Only on a locked application (``operations.lock``), so two reviewers taking the same item
cannot both have it. Only flushes; the request commits."""

from __future__ import annotations

from datetime import datetime

from ..access.models import User
from ..access.roles import DEPARTMENT_ROLES, Role
from ..core.database import utcnow
from ..engine.states import ITEM_DECIDED, ItemState
from .models import Application, ApplicationItem

_FINISHED = ITEM_DECIDED | {ItemState.CANCELLED, ItemState.WITHDRAWN}


class AssignmentRefused(ValueError):
    """Why an item cannot go to that person: ``reason`` is one of the constants below."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


TAKEN = "someone else took this item first"
NOT_SUPERVISOR = "only the department's supervisor assigns items"
NOT_STAFF = "the assignee does not work for this department"
NOT_YOURS = "this item is not one of your department's"
DECIDED = "this item is decided already"


def take(application: Application, item_code: str, reviewer: User,
         now: datetime | None = None) -> ApplicationItem:
    """``reviewer`` takes an item of their department that nobody works yet."""
    row = _workable(application, item_code, reviewer)
    if row.assignee_user_id not in (None, reviewer.id):
        raise AssignmentRefused(TAKEN)
    row.assignee_user_id, row.assigned_at = reviewer.id, now or utcnow()
    return row


def assign(application: Application, item_code: str, assignee: User, supervisor: User,
           now: datetime | None = None) -> ApplicationItem:
    """The department's supervisor gives an item to one of the department's staff."""
    row = _workable(application, item_code, supervisor)
    if Role(supervisor.role) != Role.SUPERVISOR:
        raise AssignmentRefused(NOT_SUPERVISOR)
    if (Role(assignee.role) not in DEPARTMENT_ROLES or not assignee.active
            or row.department_code not in assignee.department_codes):
        raise AssignmentRefused(NOT_STAFF)
    row.assignee_user_id, row.assigned_at = assignee.id, now or utcnow()
    return row


def _workable(application: Application, item_code: str, user: User) -> ApplicationItem:
    row = next((row for row in application.items if row.item_code == item_code), None)
    if row is None or row.department_code not in user.department_codes:
        raise AssignmentRefused(NOT_YOURS)
    if row.state in _FINISHED:
        raise AssignmentRefused(DECIDED)
    return row
