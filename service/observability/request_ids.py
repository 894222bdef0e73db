"""What a log line is about: the request's id (the caller's own ``X-Request-ID`` when it is sane,
else a new one) and the application the route names. Held in a context
variable rather than ``flask.g``, so that a Celery task started by the request carries the same
id (celery_signals.py) where there is no Flask request."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

HEADER = "X-Request-ID"
# What a proxy or a client may hand us: short, and nothing that could break a log line or a header.
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass
class LogContext:
    request_id: str
    application: str | None = None  # the number in the route, if it has one


current: ContextVar[LogContext | None] = ContextVar("log_context", default=None)


def accepted_or_new(incoming: str | None) -> str:
    """The caller's id if it is sane, else a new one (32 hex digits)."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    context = current.get()
    return context.request_id if context else None
