"""An applicant signed in online: the mobile number a one-time code proved, kept in the session
for a while (access/phone_codes.py sends and checks the codes)."""

from __future__ import annotations

import time

from flask import session

SESSION_KEY = "applicant_phone"
SESSION_SECONDS = 2 * 3600  # then the code again: a phone left on a table is not a key forever


def sign_in(phone: str) -> None:
    session[SESSION_KEY] = {"phone": phone, "at": int(time.time())}


def sign_out() -> None:
    session.pop(SESSION_KEY, None)


def current_phone() -> str | None:
    """The number the requesting applicant proved within ``SESSION_SECONDS``, if any."""
    signed = session.get(SESSION_KEY)
    if not isinstance(signed, dict) or time.time() - signed.get("at", 0) > SESSION_SECONDS:
        return None
    return signed.get("phone")
