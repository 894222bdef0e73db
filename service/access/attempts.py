"""Failed guesses at a secret (an application's query code, a staff password), counted per client
across every worker, with a lockout that grows with each further failure.

The counters live in the storage of the ``limits`` library that Flask-Limiter is built on, from
the same settings: ``RATELIMIT_STORAGE_URI`` (``memory://`` for one process, ``redis://…`` when
several workers must share counts) and ``RATELIMIT_STORAGE_OPTIONS``. A lockout is a key that
expires when it ends, so every worker sees it and nobody has to clear it.

A client is its address as the trusted proxies report it (``TRUSTED_PROXY_HOPS``, see
``core/proxies.py``); an IPv6 client is its /64, which one subscriber holds whole, so that walking
through its own addresses starts no fresh count.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app, request
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string

log = logging.getLogger(__name__)
T = TypeVar("T")

MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR
RETRY_SHARED_SECONDS = 30
_EXTENSION = "attempts"


@dataclass(frozen=True)
class Backoff:
    """``free`` failures within ``window`` seconds cost nothing; the next locks the subject out
    for ``first`` seconds, and every one after it doubles that, up to ``longest``."""

    name: str
    free: int
    first: int
    longest: int
    window: int = DAY

    def lockout(self, failures: int) -> int:
        if failures < self.free:
            return 0
        return min(self.longest, self.first * 2 ** min(failures - self.free, 32))


class Attempts:
    """Counts in ``shared`` storage; while it cannot be reached (Redis down), in this worker's
    memory, as Flask-Limiter does: the limits then hold per worker instead of every sign-in
    and look-up failing. The shared storage is tried again after ``RETRY_SHARED_SECONDS``."""

    def __init__(self, shared: Storage, prefix: str = ""):
        self.shared = shared
        self.local = shared if isinstance(shared, MemoryStorage) else MemoryStorage()
        self.prefix = f"{prefix}attempts"
        self._shared_down_until = 0.0

    def _run(self, operation: Callable[[Storage], T]) -> T:
        if time.time() < self._shared_down_until:
            return operation(self.local)
        try:
            return operation(self.shared)
        except StorageError as error:
            if self.shared is self.local:
                raise
            log.warning("attempt counts: shared storage unreachable (%s); counting in this "
                        "worker's memory for %d s", error.storage_error, RETRY_SHARED_SECONDS)
            self._shared_down_until = time.time() + RETRY_SHARED_SECONDS
            return operation(self.local)

    def _key(self, *parts: str) -> str:
        return "/".join((self.prefix, *parts))

    def wait(self, backoff: Backoff, subject: str) -> int:
        """Seconds until ``subject`` may try again; 0 when it may now."""
        key = self._key(backoff.name, "locked", subject)

        def seconds_left(storage: Storage) -> int:
            if not storage.get(key):
                return 0
            return max(1, math.ceil(storage.get_expiry(key) - time.time()))

        return self._run(seconds_left)

    def fail(self, backoff: Backoff, subject: str) -> int:
        """Count a failure of ``subject``; the lockout that follows it, in seconds (0: none)."""
        failures = self._key(backoff.name, "failures", subject)
        locked = self._key(backoff.name, "locked", subject)

        def count_and_lock(storage: Storage) -> int:
            seconds = backoff.lockout(storage.incr(failures, backoff.window))
            if seconds:  # a fresh key, so that its expiry is this lockout's end
                storage.clear(locked)
                storage.incr(locked, seconds)
            return seconds

        return self._run(count_and_lock)

    def forget(self, backoff: Backoff, subject: str) -> None:
        keys = [self._key(backoff.name, kind, subject) for kind in ("failures", "locked")]
        self._run(lambda storage: [storage.clear(key) for key in keys])

    def count(self, name: str, subject: str, window: int) -> int:
        """Add one to a plain counter that starts afresh ``window`` seconds after its first."""
        key = self._key(name, subject)
        return self._run(lambda storage: storage.incr(key, window))

    def reset(self) -> None:
        self.local.reset()
        if self.shared is not self.local:
            self.shared.reset()


def attempts() -> Attempts:
    """The application's counters, opened on first use."""
    extensions = current_app.extensions
    if _EXTENSION not in extensions:
        config = current_app.config
        storage = storage_from_string(config.get("RATELIMIT_STORAGE_URI") or "memory://",
                                      wrap_exceptions=True,
                                      **config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        extensions.setdefault(_EXTENSION, Attempts(storage, config.get("RATELIMIT_KEY_PREFIX", "")))
    return extensions[_EXTENSION]


def reset(app) -> None:
    """Forget every count and lockout (tests)."""
    if _EXTENSION in app.extensions:
        app.extensions[_EXTENSION].reset()


def client() -> str:
    """The requesting client: its address, an IPv6 address by its /64."""
    address = request.remote_addr or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
