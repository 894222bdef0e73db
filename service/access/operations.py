"""Users and their API tokens. Only flushes; the caller commits. Every change to an account is
recorded as an administrative act (``by_user_id``: who made it; None for a command run on the
server)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.acts import Action, record_act
from ..catalog.models import Department
from ..core.database import db, utcnow
from .models import ApiToken, User, UserDepartment
from .recent_tokens import recent_tokens
from .roles import DEPARTMENT_ROLES, Role
from .usernames import username_problems

TOKEN_PREFIX = "ot_"
# werkzeug's scrypt (n=2^15, r=8, p=1): a memory-hard hash for passwords people choose.
PASSWORD_METHOD = "scrypt"
_UNUSABLE = generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


def create_user(*, username: str, display_name: str, password: str, role: Role,
                departments: list[str] = (), by_user_id: int | None) -> User:
    """Raises ValidationError keyed by the offending field."""
    errors: dict = {}
    if username_problems(username):
        errors["username"] = username_problems(username)
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors["username"] = [f"{username!r} is taken"]
    if len(password) < 10:
        errors["password"] = ["at least 10 characters"]
    errors.update(_department_problems(role, departments))
    if errors:
        raise ValidationError(errors)
    user = User(username=username, display_name=display_name, role=role,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
                departments=[UserDepartment(department_code=code) for code in departments])
    db.session.add(user)
    db.session.flush()
    record_act(Action.USER_CREATED, username, {
        "display_name": display_name, "role": Role(role).value,
        "departments": sorted(departments)}, user_id=by_user_id)
    return user


def _department_problems(role: Role, departments) -> dict:
    if role in DEPARTMENT_ROLES and not departments:
        return {"departments": [f"a {role.value} works for at least one department"]}
    if role not in DEPARTMENT_ROLES and departments:
        return {"departments": [f"a {role.value} is not bound to departments"]}
    known = set(db.session.scalars(select(Department.code).where(
        Department.code.in_(list(departments)))))
    unknown = [code for code in departments if code not in known]
    if unknown:
        return {"departments": [f"unknown department(s): {', '.join(unknown)}"]}
    return {}


def update_user(user: User, *, display_name: str, role: Role, departments: list[str] = (),
                by_user_id: int | None) -> User:
    """Change an account's name, role and departments.

    Raises:
        ValidationError: keyed by the offending field. LastAdministrator: the last active
            administrator would become something else.
    """
    errors = _department_problems(role, departments)
    if not display_name.strip() or len(display_name) > 100:
        errors["display_name"] = ["1–100 characters"]
    if errors:
        raise ValidationError(errors)
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active:
        _keep_an_administrator(user)
    wanted = set(departments)
    before = {"display_name": user.display_name, "role": Role(user.role).value,
              "departments": sorted(user.department_codes)}
    after = {"display_name": display_name.strip(), "role": Role(role).value,
             "departments": sorted(wanted)}
    user.display_name, user.role = display_name.strip(), role
    user.departments = ([link for link in user.departments if link.department_code in wanted]
                        + [UserDepartment(department_code=code)
                           for code in sorted(wanted - user.department_codes)])
    db.session.flush()
    recent_tokens().forget()  # the role and departments rules read
    changes = {name: {"from": before[name], "to": after[name]} for name in before
               if before[name] != after[name]}
    if changes:
        record_act(Action.USER_UPDATED, user.username, changes, user_id=by_user_id)
    return user


TEMPORARY_PASSWORD_BYTES = 9  # 12 characters of base64: read out over the phone, then changed


def reset_password(user: User, *, by_user_id: int | None) -> str:
    """A new random password for ``user``, returned once for the administrator to hand over."""
    password = secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    db.session.flush()
    record_act(Action.PASSWORD_RESET, user.username, user_id=by_user_id)
    return password


class LastAdministrator(Exception):
    """Nobody would be left to manage the accounts."""


def set_active(user: User, active: bool, *, by_user_id: int | None) -> User:
    """Deactivate or reactivate an account; raises LastAdministrator rather than deactivate the
    last active administrator."""
    if not active and user.role == Role.ADMIN:
        _keep_an_administrator(user)
    if user.active != active:
        user.active = active
        db.session.flush()
        recent_tokens().forget()
        record_act(Action.USER_ACTIVATED if active else Action.USER_DEACTIVATED, user.username,
                   user_id=by_user_id)
    return user


def _keep_an_administrator(user: User) -> None:
    """Raises LastAdministrator if ``user`` is the last active administrator. Every active
    administrator's row (the user's too, in one order) stays locked until the commit: two of
    them demoting each other at once are serialized, and the second sees the first's change."""
    admins = db.session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        .with_for_update()).all()
    if not set(admins) - {user.id}:
        raise LastAdministrator(f"{user.username} is the last active administrator")


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username))
    # Check a hash even for an unknown user, so that timing does not tell who exists.
    if not check_password_hash(user.password_hash if user else _UNUSABLE, password):
        return None
    return user if user and user.active else None


def issue_token(user: User, name: str, days: int = 90,
                now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new bearer token: its record and the secret itself, shown this once."""
    now = now or utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, user=user, name=name, token_hash=_digest(secret),
                     prefix=secret[:10], created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_token(secret: str, now: datetime | None = None) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token."""
    now = now or utcnow()
    digest = _digest(secret)
    recent = recent_tokens()
    if (kept := recent.get(digest)) is not None:
        user, expires_at = kept
        return db.session.merge(user, load=False) if expires_at > now else None
    # One round trip: the token, its user and the user's departments, which every rule reads.
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == digest)
        .options(joinedload(ApiToken.user).joinedload(User.departments))).unique().first()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    recent.keep(digest, token.user, token.expires_at, current_app.config["TOKEN_CACHE_SECONDS"])
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id)))


def revoke_token(user: User, token_id: int, now: datetime | None = None, *,
                 by_user_id: int | None) -> ApiToken | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id,
                                                     ApiToken.user_id == user.id))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()
        recent_tokens().forget()
        record_act(Action.TOKEN_REVOKED, user.username, {
            "token": token.id, "name": token.name, "prefix": token.prefix},
            user_id=by_user_id, at=token.revoked_at)
    return token


def _digest(secret: str) -> str:
    # A random 256-bit secret needs no slow hash: nobody can guess it, only steal it.
    return hashlib.sha256(secret.encode()).hexdigest()
