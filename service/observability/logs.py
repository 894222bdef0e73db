"""Logs as JSON lines on stderr: one object per record, with the request's id, the signed-in
user and the application the route names, personal data masked.

The standard library's logging with a small formatter rather than python-json-logger or
structlog: the fields are a fixed few, read from one context variable, and a formatter of a
dozen lines needs no dependency (nor a second way to call a logger).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import g, has_request_context
from sqlalchemy import inspect

from ..engine.identifiers import mask_id, mask_phone
from .request_ids import current

# Mobile numbers (11 digits, 1 then 3-9) and resident ID numbers (17 digits and a digit or X),
# standing alone: not the middle of a longer number such as an application's.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
# What every record has: the rest of its __dict__ is what the caller passed as ``extra``.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_OWN = ("request_id", "user_id", "application")


def mask_personal_data(text: str) -> str:
    """Resident ID numbers and mobile numbers in ``text``, masked as the API shows them."""
    text = _RESIDENT_ID.sub(lambda found: mask_id(found.group()), text)
    return _MOBILE.sub(lambda found: mask_phone(found.group()), text)


class RequestContext(logging.Filter):
    """Adds the request's id, the user and the application number to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current.get()
        record.request_id = context.request_id if context else None
        record.application = context.application if context else None
        record.user_id = _signed_in_user_id()
        return True


class MaskPersonalData(logging.Filter):
    """Masks mobile and resident ID numbers in the message (its arguments merged in first) and
    in a traceback. Names cannot be recognised in free text: the code logs none."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_personal_data(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created, UTC)
        line = {"time": at.isoformat(timespec="milliseconds"), "level": record.levelname,
                "logger": record.name, "message": record.getMessage()}
        line.update((name, value) for name, value in vars(record).items()
                    if name not in _STANDARD and value is not None)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class JsonLines(logging.StreamHandler):
    """JSON lines to whatever ``sys.stderr`` is when a record comes (pytest swaps it per test;
    under gunicorn it is the worker's, which gunicorn's own log shares)."""

    def __init__(self):
        logging.Handler.__init__(self)
        self.addFilter(RequestContext())
        self.addFilter(MaskPersonalData())
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stderr


def configure() -> None:
    """The root logger writes JSON lines at INFO; once per process, whatever the number of apps.
    Other handlers (pytest's caplog) stay and see every record."""
    root = logging.getLogger()
    if not any(isinstance(handler, JsonLines) for handler in root.handlers):
        root.addHandler(JsonLines())
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.getLogger("transitions").setLevel(logging.WARNING)  # it logs every state entered


def _signed_in_user_id() -> int | None:
    """The user this request authenticated, if it did; never a query (the user may be expired
    after the commit: its identity is read, not its columns)."""
    if not has_request_context():
        return None
    user = g.get("_login_user")  # where Flask-Login keeps the user it loaded, if it did
    state = inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None
