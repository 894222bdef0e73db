"""Who is acting, for the event log: a staff member's username, "citizen", or "system"."""

from .policy import acting_user

CITIZEN = "citizen"
SYSTEM = "system"


def current_actor() -> str:
    user = acting_user()
    if user is not None:
        return user.username
    # An applicant who proved their query code, or anyone applying online.
    return CITIZEN
