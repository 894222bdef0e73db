"""``Idempotency-Key`` on POST: a retried request gets the first response and changes nothing.

The key's record is written in the same transaction as the work it answers for, so a record
exists exactly when the work was committed. Two requests racing with one key both do the work;
the second one's insert of the key fails, its whole transaction is rolled back, and it answers
with the first one's response.
"""

import hashlib

from flask import Response, current_app, g, request
from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, db, utcnow
from .problems import problem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"

    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


def _fingerprint() -> str:
    """The request's body and who sends it: another client's key is not a replay."""
    caller = str(current_app.extensions["idempotency_caller"]())
    return hashlib.sha256(caller.encode() + b"\0" + request.get_data()).hexdigest()


def replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status, content_type=record.content_type)
    if record.location:
        response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def find(key: str) -> IdempotencyRecord | None:
    return db.session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.key == key)).first()


def check_request() -> Response | None:
    """Before the view: answer a known key at once, or remember the key for after the view."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return problem(400, "Bad Idempotency-Key",
                       f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters")
    record = find(key)
    if record is None:
        g.idempotency_key = key
        return None
    if record.path != request.path or record.fingerprint != _fingerprint():
        return problem(422, "Idempotency-Key reused",
                       f"{HEADER} {key!r} was first used for a different request",
                       type_="urn:onething:problem:idempotency-key-reused")
    return replay(record)


def remember(response: Response) -> None:
    """After a successful view: store its response under the key, in the same transaction."""
    key = g.pop("idempotency_key", None)
    if key is None:
        return
    db.session.add(IdempotencyRecord(
        key=key, method=request.method, path=request.path, fingerprint=_fingerprint(),
        status=response.status_code, content_type=response.content_type,
        location=response.headers.get("Location"), body=response.get_data(as_text=True),
    ))
