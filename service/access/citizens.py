"""Applicants: they prove who they are with the application number and the query code on their
receipt, or with the signed link in its QR code, and then see only their own application."""

from __future__ import annotations

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from ..applications.models import Application
from ..core.database import db

TOKEN_PREFIX = "cz."
SESSION_KEY = "citizen_application"
TOKEN_SECONDS = 3600
LINK_SECONDS = 180 * 24 * 3600  # a receipt's QR link works for half a year
# Look-ups, by API or page, per client and per application whatever the client: a few wrong
# codes lock the application's look-up.
ATTEMPTS_PER_CLIENT = "10 per minute"
FAILURES_PER_APPLICATION = "5 per 15 minutes"
# Hashed once so that a wrong number costs as much as a wrong code: timing tells nothing.
_DUMMY_HASH = "pbkdf2:sha256:1000$0000000000000000$" + "0" * 64


def verify(number: str, query_code: str) -> Application | None:
    """The application if both match; None for a wrong number or a wrong code alike."""
    application = db.session.scalar(select(Application).where(Application.number == number))
    code = query_code.strip().upper()
    matches = check_password_hash(application.query_code_hash if application else _DUMMY_HASH,
                                  code)
    return application if application is not None and matches else None


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"citizen-{purpose}")


def issue_token(number: str) -> str:
    """A bearer token for the citizen API, valid for an hour."""
    return TOKEN_PREFIX + _serializer("api").dumps(number)


def signed_link(number: str) -> str:
    """The token in a receipt's QR link: opens the status page without typing the code."""
    return _serializer("link").dumps(number)


def number_from_link(token: str) -> str | None:
    try:
        return _serializer("link").loads(token, max_age=LINK_SECONDS)
    except BadSignature:
        return None


def current_citizen() -> str | None:
    """The application number the requesting applicant has proved, if any."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer " + TOKEN_PREFIX):
        try:
            return _serializer("api").loads(header[len("Bearer " + TOKEN_PREFIX):],
                                            max_age=TOKEN_SECONDS)
        except BadSignature:
            return None
    if not request.path.startswith("/api/"):
        return session.get(SESSION_KEY)
    return None
