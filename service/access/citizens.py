"""Applicants: they prove who they are with the application number and the query code on their
receipt, or with the signed link in its QR code, and then see only their own application."""

from __future__ import annotations

import logging

from flask import current_app, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .attempts import DAY, HOUR, MINUTE, Backoff, attempts, client

log = logging.getLogger(__name__)

TOKEN_PREFIX = "cz."
SESSION_KEY = "citizen_application"
TOKEN_SECONDS = 3600
LINK_SECONDS = 180 * 24 * 3600  # a receipt's QR link works for half a year
RECEIPT_SECONDS = 7 * 24 * 3600  # the receipt's own link carries the query code for a week
# Look-ups by API or page share these counts. A query code carries ~50 bits, so guessing one is
# hopeless unless a client may try without end: the defence is per client. An application
# number is never locked, or anyone could keep its applicant out (numbers are sequential).
ATTEMPTS_PER_CLIENT = "10 per minute"  # right or wrong (Flask-Limiter)
LOOKUP_FAILURES = Backoff("lookup", free=5, first=MINUTE, longest=DAY)
# One number failing from this many clients within the hour looks like a distributed guess.
ALERT_CLIENTS = 5
ALERT_WINDOW = HOUR


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"citizen-{purpose}")


def issue_token(number: str) -> str:
    """A bearer token for the citizen API, valid for an hour."""
    return TOKEN_PREFIX + _serializer("api").dumps(number)


def signed_link(number: str) -> str:
    """The token in a receipt's QR link: opens the status page without typing the code."""
    return _serializer("link").dumps(number)


def receipt_token(number: str, query_code: str) -> str:
    """The receipt's link: shows the query code, for printing or after an online submission."""
    return _serializer("receipt").dumps({"number": number, "code": query_code})


def receipt_url(number: str, query_code: str) -> str:
    return url_for("portal.receipt", token=receipt_token(number, query_code), _external=True)


def read_receipt_token(token: str) -> tuple[str, str] | None:
    try:
        data = _serializer("receipt").loads(token, max_age=RECEIPT_SECONDS)
    except BadSignature:
        return None
    return data["number"], data["code"]


def number_from_link(token: str) -> str | None:
    try:
        return _serializer("link").loads(token, max_age=LINK_SECONDS)
    except BadSignature:
        return None


def bearer_token() -> str | None:
    """The credentials of an ``Authorization: Bearer …`` header. The scheme is case-insensitive
    (RFC 9110, 11.1): ``bearer`` and ``BEARER`` are the same."""
    authorization = request.authorization
    if authorization is None or authorization.type != "bearer":
        return None
    return authorization.token or None


def current_citizen() -> str | None:
    """The application number the requesting applicant has proved, if any."""
    token = bearer_token()
    if token is not None and token.startswith(TOKEN_PREFIX):
        try:
            return _serializer("api").loads(token[len(TOKEN_PREFIX):], max_age=TOKEN_SECONDS)
        except BadSignature:
            return None
    if not request.path.startswith("/api/"):
        return session.get(SESSION_KEY)
    return None


def lookup_wait() -> int:
    """Seconds the requesting client must wait before its next look-up (0: none); a locked-out
    client's codes are not even checked."""
    return attempts().wait(LOOKUP_FAILURES, client())


def lookup_failed(number: str) -> int:
    """Count a wrong number or code against the requesting client; the lockout it earns. The
    first failure of each client on a number also counts towards that number's alert."""
    counts, who = attempts(), client()
    seconds = counts.fail(LOOKUP_FAILURES, who)
    if counts.count("lookup-pair", f"{who}|{number}", ALERT_WINDOW) == 1:
        clients = counts.count("lookup-clients", number, ALERT_WINDOW)
        if clients % ALERT_CLIENTS == 0:
            log.warning("look-ups of application %r failed from %d clients within %d minutes: "
                        "someone may be guessing its query code", number[:20], clients,
                        ALERT_WINDOW // MINUTE)
    return seconds
