"""The demo accounts `make run` creates, one per role, with passwords anyone may read."""

from __future__ import annotations

from sqlalchemy import select

from ..catalog.models import Department
from ..core.database import db
from . import operations
from .models import User
from .roles import Role

# (username, name, role, departments: None for none, "*" for all)
DEMO_USERS = [
    ("window", "王芳（综合窗口）", Role.CLERK, None),
    ("reviewer", "李强（各部门审批）", Role.REVIEWER, "*"),
    ("tax", "赵敏（税务局审批）", Role.REVIEWER, ["tax"]),
    ("supervisor", "陈刚（部门负责人）", Role.SUPERVISOR, "*"),
    ("admin", "孙丽（系统管理员）", Role.ADMIN, None),
    ("leader", "周明（县领导）", Role.LEADER, None),
]


def demo_password(username: str) -> str:
    return f"demo-{username}-2026"


def ensure_demo_users() -> dict[str, User]:
    """Create the demo accounts that do not exist yet; all of them, by username. Only flushes.

    Raises:
        ValidationError: a demo account cannot be created (e.g. no departments loaded).
    """
    every_department = sorted(db.session.scalars(select(Department.code)))
    accounts = {}
    for username, display_name, role, departments in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = operations.create_user(
                username=username, display_name=display_name, password=demo_password(username),
                role=role,
                departments=every_department if departments == "*" else (departments or []),
                by_user_id=None)
        accounts[username] = user
    return accounts
