"""Recording administrative acts: drafts, publishing, retiring, migrating, accounts and roles,
calendar imports. Each act is written in the transaction of the change it records, so it exists
exactly when the change was committed. Only flushes; the caller commits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select

from ..core.database import db, utcnow
from .chain import Chain, Head, Link, seal
from .key import audit_key
from .models import AdminAct


class Action(StrEnum):
    """What an administrative act did. The subject each names is in brackets."""

    DRAFT_STARTED = "draft.started"  # (bundle code) a draft of a new bundle or version
    DRAFT_SAVED = "draft.saved"  # (bundle code)
    DRAFT_DISCARDED = "draft.discarded"  # (bundle code)
    VERSION_PUBLISHED = "bundle.published"  # (bundle code) from a draft, or by catalog load
    BUNDLE_RETIRED = "bundle.retired"  # (bundle code)
    BUNDLE_REOPENED = "bundle.reopened"  # (bundle code)
    APPLICATIONS_MIGRATED = "bundle.migrated"  # (bundle code) running applications moved
    ENTRY_SAVED = "catalog.entry_saved"  # ("items/<code>", "departments/<code>", …)
    ENTRIES_LOADED = "catalog.entries_loaded"  # (section) written from YAML by catalog load
    USER_CREATED = "user.created"  # (username)
    USER_UPDATED = "user.updated"  # (username) name, role, departments
    USER_ACTIVATED = "user.activated"  # (username)
    USER_DEACTIVATED = "user.deactivated"  # (username)
    PASSWORD_RESET = "user.password_reset"  # (username)
    TOKEN_REVOKED = "user.token_revoked"  # (username)
    CALENDAR_PUBLISHED = "calendar.published"  # (year) a year's schedule imported or edited
    CALENDAR_SEEDED = "calendar.seeded"  # (years) from the library


def record_act(action: Action | str, subject: str, details: dict | None = None, *,
               user_id: int | None, at: datetime | None = None) -> AdminAct:
    """Record an administrative act as the newest link of the acts' chain.

    Args:
        action: what was done (``Action``).
        subject: what it was done to: a bundle's code, a username, a year.
        details: what changed, as JSON (dates as ISO strings), e.g. ``{"version": 3}``.
        user_id: who did it; None for the system or a command run on the server.
        at: when (default: now).
    """
    _serialize_writers()
    last = db.session.execute(select(AdminAct.seq, AdminAct.chain_hash)
                              .order_by(AdminAct.seq.desc()).limit(1)).first()
    act = AdminAct(seq=last.seq + 1 if last else 1, at=at or utcnow(), actor_user_id=user_id,
                   action=Action(action).value, subject=subject, details=details or {})
    act.chain_hash = seal(audit_key(), last.chain_hash if last else None, act_fields(act))
    db.session.add(act)
    db.session.flush()
    return act


def _serialize_writers() -> None:
    """On PostgreSQL, one writer of acts at a time until it commits: the next one reads its act
    as the head. (SQLite has one writer anyway; should two read the same head, the unique
    number refuses the second's act and its transaction, rather than fork the chain.)"""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(
            func.hashtextextended("onething.admin_acts", 0))))


def act_fields(act: AdminAct) -> dict:
    """What an act's hash covers: everything but its row id and the hash itself."""
    return {"seq": act.seq, "at": act.at, "actor_user_id": act.actor_user_id,
            "action": act.action, "subject": act.subject, "details": act.details}


ACTS = "administrative acts"  # the chain's name in findings


def acts_chain() -> Chain:
    """Every act, as one chain."""
    acts = db.session.scalars(select(AdminAct).order_by(AdminAct.id)
                              .execution_options(yield_per=1000))
    return Chain(ACTS, "act", [Link(act.seq, act.id, act_fields(act), act.chain_hash)
                               for act in acts])


def acts_head(start: datetime, end: datetime) -> Head | None:
    """The newest act recorded in [start, end), if any."""
    found = db.session.execute(
        select(AdminAct.seq, AdminAct.chain_hash).where(AdminAct.at >= start, AdminAct.at < end)
        .order_by(AdminAct.seq.desc()).limit(1)).first()
    return Head(found.seq, found.chain_hash) if found else None


def acts_since(since: datetime | None) -> list[tuple[AdminAct, str | None]]:
    """The acts from ``since`` on (all if None), in order, each with its actor's username."""
    users = db.metadata.tables["users"]  # access's table, by name as the foreign key names it
    query = (select(AdminAct, users.c.username)
             .outerjoin(users, users.c.id == AdminAct.actor_user_id).order_by(AdminAct.seq))
    if since is not None:
        query = query.where(AdminAct.at >= since)
    return [tuple(row) for row in db.session.execute(query)]
