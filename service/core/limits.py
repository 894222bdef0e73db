"""Flask-Limiter: memory storage by default, Redis (or any limits backend) with
RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379/0 when several workers must share counts."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])
