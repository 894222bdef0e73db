"""Bearer tokens this process checked a few seconds ago, so that a burst of API requests does not
look up the same token, user and departments on every one of them.

What is kept is a detached copy of the user with their departments; each request merges it into
its own session without a query. A token's expiry is still checked on every request. Revoking a
token, or changing or deactivating an account, forgets what this process kept at once; the other
workers notice within ``TOKEN_CACHE_SECONDS`` (default 10; 0 turns the cache off).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import make_transient_to_detached

from .models import User, UserDepartment

MAX_TOKENS = 4096


@dataclass(frozen=True)
class _Kept:
    user: User  # detached: merged into each request's session, never used itself
    expires_at: datetime  # the token's own expiry
    kept_until: float  # time.monotonic()


class RecentTokens:
    def __init__(self):
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[User, datetime] | None:
        """A token checked lately: a detached copy of its user (merge it into the session
        before use) and the token's expiry."""
        with self._lock:
            kept = self._kept.get(digest)
        if kept is None or kept.kept_until <= time.monotonic():
            return None
        return kept.user, kept.expires_at

    def keep(self, digest: str, user: User, expires_at: datetime, seconds: float) -> None:
        if seconds <= 0:
            return
        kept = _Kept(_detached_copy(user), expires_at, time.monotonic() + seconds)
        with self._lock:
            self._kept[digest] = kept
            self._kept.move_to_end(digest)
            while len(self._kept) > MAX_TOKENS:
                self._kept.popitem(last=False)

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


def _detached_copy(user: User) -> User:
    columns = ("id", "username", "display_name", "password_hash", "role", "active", "created_at")
    copy = User(**{name: getattr(user, name) for name in columns})
    copy.departments = [UserDepartment(id=link.id, user_id=link.user_id,
                                       department_code=link.department_code)
                        for link in user.departments]
    for instance in (copy, *copy.departments):
        make_transient_to_detached(instance)
    return copy


def recent_tokens() -> RecentTokens:
    """This app's, made on first use."""
    extensions = current_app.extensions
    if "recent_tokens" not in extensions:
        extensions.setdefault("recent_tokens", RecentTokens())
    return extensions["recent_tokens"]
