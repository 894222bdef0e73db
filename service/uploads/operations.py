"""Attachments: uploaded files attached to a draft or an application. Only flushes; the request
commits.

Files are shared by content: the store keeps one copy per digest, however many rows refer to
it. So a row's deletion does not delete its file. The digest is remembered with the session,
and after the transaction commits (never before: a rollback keeps the rows, which still need
their files) each remembered file is deleted if no row refers to it any more, checked then.

That check and a new upload of the same content cannot interleave: on PostgreSQL an upload
holds a shared advisory lock on the digest until its transaction ends, and the check takes it
exclusively, so one waits for the other (a check that waits sees the upload's row; an upload
that waits finds the file gone and writes it again). SQLite has one writer at a time: an upload
flushes its row (taking the write lock) before it writes the file, and the check runs in an
``IMMEDIATE`` transaction, which waits for that lock. What is left: a file whose deletion fails
or never runs (a crash right after the commit) stays in the store with no row; it is kept, not
lost, and only costs its space.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Engine, delete, event, exists, func, select, text, update

from ..core.database import db, in_batches, utcnow
from ..core.problems import Missing
from .inspection import (
    Inspected,
    RefusalReason,
    UploadLimits,
    UploadRefused,
    inspect,
    read_within,
)
from .models import Attachment
from .scanning import ScanState
from .storage import UploadStore

log = logging.getLogger(__name__)

_RELEASED = "uploads_released"  # session.info: digests whose rows went, checked after commit
_DELETED = "uploads_deleted_at_last_commit"
# Far above any real wait (a check, an upload's request): only a stuck transaction reaches it,
# and then the file is kept.
_LOCK_TIMEOUT = "10s"
_IN_CHUNKS_OF = 500  # ids per IN (…): PostgreSQL takes at most 65535 parameters a statement


class AttachmentNotFound(Missing):
    what = "attachment"


def upload_limits() -> UploadLimits:
    return UploadLimits(max_bytes=current_app.config["UPLOAD_MAX_BYTES"])


def read_upload(stream: BinaryIO) -> bytes:
    """The uploaded bytes; UploadRefused (too large) without reading more than one byte past
    the limit."""
    return read_within(stream, upload_limits())


@dataclass(frozen=True)
class Judged:
    """A file judged fit to keep: its bytes, what its content is, the scanner's word."""

    data: bytes
    found: Inspected
    scan_state: ScanState


def judge(data: bytes, declared_name: str) -> Judged:
    """Judge ``data`` by its content and by the configured scanner, storing nothing.

    Raises:
        UploadRefused: not a PDF, JPEG or PNG within the limits, or a scanner found a virus.
    """
    found = inspect(data, declared_name, upload_limits())
    scanned = current_app.extensions["virus_scanner"].scan(data)
    if scanned == ScanState.INFECTED:
        raise UploadRefused(RefusalReason.INFECTED, "文件未通过病毒检查，请换一个文件")
    return Judged(data, found, scanned)


def attach(data: bytes, declared_name: str, material_code: str, *, draft_id: int | None = None,
           application_id: int | None = None, now: datetime | None = None) -> Attachment:
    """Judge ``data`` (:func:`judge`), keep it, and attach it to the draft or the application
    (exactly one) as ``material_code``.

    Raises:
        UploadRefused: as :func:`judge`; nothing is stored.
    """
    return attach_judged(judge(data, declared_name), material_code, draft_id=draft_id,
                         application_id=application_id, now=now)


def attach_judged(judged: Judged, material_code: str, *, draft_id: int | None = None,
                  application_id: int | None = None, now: datetime | None = None) -> Attachment:
    """Keep a file :func:`judge` passed, attached to the draft or the application (exactly
    one): for files judged together before any is kept."""
    if (draft_id is None) == (application_id is None):
        raise ValueError("an attachment belongs to a draft or to an application, not both")
    found = judged.found
    attachment = Attachment(
        draft_id=draft_id, application_id=application_id, material_code=material_code,
        digest=found.sha256, size=found.size, media_type=found.media_type,
        filename=found.declared_name, pages=found.pages, scan_state=judged.scan_state,
        uploaded_at=now or utcnow())
    _hold_against_deletion(found.sha256)
    db.session.add(attachment)
    db.session.flush()  # the row first: on SQLite this takes the write lock (see above)
    _store().put(found.sha256, judged.data)
    return attachment


def of_draft(draft_id: int) -> list[Attachment]:
    return _listed(Attachment.draft_id == draft_id)


def of_application(application_id: int) -> list[Attachment]:
    return _listed(Attachment.application_id == application_id)


def find(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise AttachmentNotFound(attachment_id)
    return attachment


def remove(attachment: Attachment) -> None:
    """The row now; its file after the commit, unless another row still refers to it."""
    db.session.delete(attachment)
    db.session.flush()
    _release([attachment.digest])


def move_to_application(draft_id: int, application_id: int) -> None:
    """The draft's attachments become the application's (when the draft is submitted)."""
    db.session.execute(update(Attachment).where(Attachment.draft_id == draft_id)
                       .values(draft_id=None, application_id=application_id))


def forget_drafts(draft_ids: Iterable[int]) -> int:
    """Delete the attachments of these drafts (before the drafts themselves); their files go
    after the commit where no other row refers to them. Returns how many attachments."""
    forgotten = 0
    for chunk in in_batches(list(draft_ids), _IN_CHUNKS_OF):
        digests = list(db.session.scalars(delete(Attachment).where(
            Attachment.draft_id.in_(chunk)).returning(Attachment.digest)))
        _release(digests)
        forgotten += len(digests)
    return forgotten


def open_file(attachment: Attachment) -> BinaryIO:
    """The attachment's bytes, to read and close. Raises NotStored when the file is missing."""
    return _store().open(attachment.digest)


def files_deleted_at_last_commit() -> int:
    """How many stored files the session's last commit deleted (for a command to report)."""
    return db.session.info.get(_DELETED, 0)


def init_app(app) -> None:
    if not event.contains(db.session, "after_commit", _delete_unreferenced):
        event.listen(db.session, "after_commit", _delete_unreferenced)
        event.listen(db.session, "after_rollback", _forget_released)


def _store() -> UploadStore:
    return current_app.extensions["upload_store"]


def _listed(owned) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(owned)
                                   .order_by(Attachment.material_code, Attachment.id)))


def _lock_key(digest: str):
    return func.hashtextextended(f"onething.upload:{digest}", 0)


def _hold_against_deletion(digest: str) -> None:
    """On PostgreSQL, until this transaction ends: no deletion of ``digest``'s file can check
    its references (uploads of the same content do not wait for each other)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock_shared(_lock_key(digest))))


@dataclass(frozen=True)
class _Release:
    store: UploadStore
    engine: Engine


def _release(digests: Iterable[str]) -> None:
    release = _Release(_store(), db.session.get_bind())
    db.session.info.setdefault(_RELEASED, {}).update((digest, release) for digest in digests)


def _forget_released(session) -> None:
    session.info.pop(_RELEASED, None)


def _delete_unreferenced(session) -> None:
    released = session.info.pop(_RELEASED, None)
    if not released:
        session.info.pop(_DELETED, None)
        return
    deleted = 0
    for digest, release in released.items():
        try:
            deleted += _delete_if_unreferenced(digest, release)
        except Exception:  # committed is committed: the file stays, unreferenced
            log.warning("stored file %s not deleted: it stays without an attachment", digest,
                        exc_info=True)
    session.info[_DELETED] = deleted
    if deleted:
        log.info("%d stored file(s) no attachment refers to deleted", deleted)


def _delete_if_unreferenced(digest: str, release: _Release) -> int:
    """1 if no row refers to ``digest`` and its file was deleted, else 0: in a transaction of
    its own (the session's has ended), serialized with uploads of the same content."""
    with release.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'"))
            connection.execute(select(func.pg_advisory_xact_lock(_lock_key(digest))))
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        if connection.scalar(select(exists().where(Attachment.digest == digest))):
            return 0
        release.store.delete(digest)
        connection.commit()
    return 1
