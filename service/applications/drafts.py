"""Drafts: an application saved before it is submitted, by its owner, for a while. Only
flushes; the request commits.

A draft checks only the shape of what it holds (the API's schema does that); the bundle's rules
(required fields, identifiers, materials) apply when it is submitted, through the same
``create_application`` as any application. Submitting removes the draft; its attachments
(uploaded materials) become the application's. A draft discarded or expired takes its
attachments with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from marshmallow import ValidationError
from sqlalchemy import delete, func, select

from ..catalog.operations import find_version
from ..core.database import db, utcnow
from ..core.problems import Missing
from ..engine.actors import Actor, ActorKind
from ..engine.states import Channel, DeliveryMethod
from ..uploads import operations as attachments
from .models import Application, Draft
from .operations import create_application

DRAFT_DAYS = 30  # a draft not touched for this long expires


class DraftNotFound(Missing):
    what = "draft"


def _owned_by(owner: Actor):
    if owner.kind == ActorKind.STAFF:
        return Draft.owner_user_id == owner.user_id
    if owner.kind == ActorKind.APPLICANT and owner.phone:
        return Draft.owner_phone == owner.phone
    raise ValueError("drafts are owned by a member of staff or by a verified phone")


def save(owner: Actor, bundle_code: str, content: dict, channel: Channel = Channel.WINDOW,
         draft_id: int | None = None, now: datetime | None = None) -> Draft:
    """Create a draft, or replace the content of one of ``owner``'s. Touching it renews it.

    Raises:
        ValidationError: an unknown bundle. DraftNotFound: not one of the owner's drafts.
    """
    if find_version(bundle_code) is None:
        raise ValidationError({"bundle": [f"unknown bundle {bundle_code!r}"]})
    now = now or utcnow()
    _owned_by(owner)  # refuses an owner who cannot own drafts
    draft = find(owner, draft_id, now) if draft_id is not None else Draft(
        owner_kind=owner.kind, owner_user_id=owner.user_id, owner_phone=owner.phone,
        created_at=now)
    draft.bundle_code, draft.channel, draft.content = bundle_code, channel, content
    draft.updated_at, draft.expires_at = now, now + timedelta(days=DRAFT_DAYS)
    db.session.add(draft)
    db.session.flush()
    return draft


def find(owner: Actor, draft_id: int, now: datetime | None = None,
         lock: bool = False) -> Draft:
    """One of ``owner``'s drafts that has not expired; with ``lock``, locked until the
    transaction ends (on PostgreSQL). Raises DraftNotFound."""
    query = select(Draft).where(
        Draft.id == draft_id, _owned_by(owner), Draft.expires_at > (now or utcnow()))
    draft = db.session.scalar(query.with_for_update() if lock else query)
    if draft is None:
        raise DraftNotFound(f"no draft {draft_id} of yours")
    return draft


def list_drafts(owner: Actor, offset: int = 0, limit: int = 20,
                now: datetime | None = None) -> tuple[list[Draft], int]:
    """The owner's drafts that have not expired, the most recently touched first."""
    query = select(Draft).where(_owned_by(owner), Draft.expires_at > (now or utcnow()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = db.session.scalars(query.order_by(Draft.updated_at.desc(), Draft.id.desc())
                              .offset(offset).limit(limit))
    return list(page), total


def discard(owner: Actor, draft_id: int) -> None:
    draft = find(owner, draft_id)
    attachments.forget_drafts([draft.id])
    db.session.delete(draft)
    db.session.flush()


def submit(owner: Actor, draft_id: int, now: datetime | None = None) -> tuple[Application, str]:
    """Submit a draft as an application, with every rule of its bundle; the draft goes, its
    attachments go with the application.

    Raises:
        ValidationError: keyed by field, as for any application (the draft stays).
    """
    # Locked: a second submit of the same draft (a double click) waits, then finds it gone.
    draft = find(owner, draft_id, now, lock=True)
    content = draft.content
    missing = {field: ["missing from the draft: fill it in before submitting"]
               for field in ("applicant", "contact_phone") if field not in content}
    if missing:
        raise ValidationError(missing)
    application, query_code = create_application(
        bundle_code=draft.bundle_code, channel=draft.channel, applicant=content["applicant"],
        agent=content.get("agent"), contact_phone=content["contact_phone"],
        form=content.get("form", {}),
        materials=content.get("materials", []),
        delivery_method=content.get("delivery_method", DeliveryMethod.WINDOW),
        actor=owner, now=now)
    attachments.move_to_application(draft.id, application.id)
    db.session.delete(draft)
    db.session.flush()
    return application, query_code


class Purged(NamedTuple):
    drafts: int
    attachments: int


def purge_expired(now: datetime | None = None) -> Purged:
    """Delete the drafts past their expiry and their attachments (the files follow after the
    commit, where no other attachment shares them); returns how many of each."""
    expired = Draft.expires_at <= (now or utcnow())
    # Locked: nothing is attached to them between their attachments' deletion and theirs.
    ids = list(db.session.scalars(select(Draft.id).where(expired).with_for_update()))
    forgotten = attachments.forget_drafts(ids)
    deleted = db.session.execute(delete(Draft).where(expired)).rowcount
    return Purged(deleted, forgotten)
