"""``Idempotency-Key`` on POST: a retried request gets the first response and changes nothing.

A key is the caller's own. Records are stored under a digest of the caller and the key, the
caller being what ``app.extensions["idempotency_caller"]()`` names (``access.policy.requester``):
a member of staff by user id, an applicant who proved their application by its number, and an
anonymous caller (applying online) by its client address, as the trusted proxies report it. So
another caller sending the same key and body never receives the first one's answer (for an
online application, its query code): it is a new request, and gets its own. An anonymous caller
has nothing else to tell it apart; a session would not do, since a retry of an API call need
not carry the cookie the first answer set. Behind one address (a shared NAT), a replay still
needs the same key, which a client draws at random and never shows, and the same body.

The key's record is written in the same transaction as the work it answers for, so a record
exists exactly when the work was committed. On PostgreSQL a request first takes a transaction
advisory lock on its record's key: a retry that overtakes the original waits for it to commit or
roll back, then finds its record and answers with it (or, if it failed, does the work itself).
Elsewhere (SQLite, which has one writer anyway), two requests racing with one key may both do
the work; the second one's insert of the key fails, its whole transaction is rolled back, and it
answers with the first one's response.
"""

import hashlib

from flask import Response, current_app, g, request
from sqlalchemy import Integer, String, Text, func, select
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


def _scoped(key: str) -> str:
    """The record's key: the caller's key, theirs alone."""
    caller = str(current_app.extensions["idempotency_caller"]())
    return hashlib.sha256(caller.encode() + b"\0" + key.encode()).hexdigest()


def _fingerprint() -> str:
    return hashlib.sha256(request.get_data()).hexdigest()


def replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status, content_type=record.content_type)
    if record.location:
        response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def find(scoped_key: str) -> IdempotencyRecord | None:
    return db.session.scalars(select(IdempotencyRecord)
                              .where(IdempotencyRecord.key == scoped_key)).first()


def _wait_for_the_first(scoped_key: str) -> None:
    """On PostgreSQL: until the end of any other transaction working under this key. Ours holds
    the lock in turn until the request commits or rolls back."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(
            func.hashtextextended(scoped_key, 0))))


def check_request() -> Response | None:
    """Before the view: answer a known key at once, or remember the key for after the view."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return problem(400, "Bad Idempotency-Key",
                       f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters")
    scoped_key = _scoped(key)
    _wait_for_the_first(scoped_key)
    record = find(scoped_key)
    if record is None:
        g.idempotency_key = scoped_key
        return None
    if record.path != request.path or record.fingerprint != _fingerprint():
        return problem(422, "Idempotency-Key reused",
                       f"{HEADER} {key!r} was first used for a different request",
                       type_="urn:onething:problem:idempotency-key-reused")
    return replay(record)


def pending_key() -> str | None:
    """The record's key this request will store, if it sent a new one."""
    return g.get("idempotency_key")


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
