"""Who is acting, for the event log: a member of staff (by user id) or the applicant."""

from ..engine.actors import APPLICANT, Actor, staff
from .policy import acting_user


def current_actor() -> Actor:
    user = acting_user()
    if user is not None:
        return staff(user.id)
    # An applicant who proved their query code, or anyone applying online.
    return APPLICANT
