"""Flask-Limiter: memory storage by default, Redis (or any limits backend) with
RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379/0 when several workers must share counts.

When that storage cannot be reached, each worker counts in memory until it can again
(RATELIMIT_IN_MEMORY_FALLBACK_ENABLED; Flask-Limiter logs a warning): limits hold per worker
rather than every limited route answering 500."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def storage_state() -> str | None:
    """For /healthz: None with in-memory counts; "ok" or "unreachable" with a shared storage."""
    if current_app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        return None
    return "ok" if limiter.storage.check() else "unreachable"
