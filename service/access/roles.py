"""The roles, and which triggers each may fire."""

from enum import StrEnum

from ..engine.states import Trigger


class Role(StrEnum):
    CLERK = "clerk"  # 综合窗口人员: any bundle, intake decisions, results handed out
    REVIEWER = "reviewer"  # 部门审批人员: the items of their departments
    SUPERVISOR = "supervisor"  # a department's head: a reviewer who also approves extensions
    ADMIN = "admin"  # departments, items, bundles, the calendar, users
    LEADER = "leader"  # the county's leaders: every department's figures, read only


STAFF = frozenset(Role)
DEPARTMENT_ROLES = frozenset({Role.REVIEWER, Role.SUPERVISOR})

# The window works the application; departments work their items.
CLERK_TRIGGERS = frozenset({Trigger.ACCEPT, Trigger.REQUEST_CORRECTION, Trigger.REFUSE,
                            Trigger.SUPPLEMENT, Trigger.WITHDRAW, Trigger.DELIVER})
REVIEWER_TRIGGERS = frozenset({Trigger.START_REVIEW, Trigger.APPROVE, Trigger.DENY,
                               Trigger.REQUEST_CORRECTION, Trigger.SUPPLEMENT, Trigger.PAUSE,
                               Trigger.RESUME})
SUPERVISOR_TRIGGERS = REVIEWER_TRIGGERS | {Trigger.EXTEND}
CITIZEN_TRIGGERS = frozenset({Trigger.SUPPLEMENT, Trigger.WITHDRAW})
