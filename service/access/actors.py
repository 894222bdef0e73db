"""Who is acting, for the event log: a member of staff (by user id) or the applicant."""

from flask import request

from ..engine.actors import APPLICANT, Actor, applicant_with_phone, staff
from .phone_sessions import current_phone
from .policy import acting_user


def current_actor() -> Actor:
    user = acting_user()
    if user is not None:
        return staff(user.id)
    phone = None if request.path.startswith("/api/") else current_phone()
    if phone is not None:  # signed in on the online counter's pages
        return applicant_with_phone(phone)
    # An applicant who proved their query code, or anyone applying through the API.
    return APPLICANT
