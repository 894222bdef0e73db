"""Settings, read from the environment once at start-up."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_BYTES = 32  # it signs sessions, citizens' tokens and receipt links


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # Set in create_app when DATABASE_URL is absent: an SQLite file in the instance folder.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # A pooled connection the server closed (a restart, an idle timeout) is replaced, not used.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Requests: a body is read only up to this size (413 beyond), JSON only to this depth (400).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))
    MAX_JSON_DEPTH = int(os.environ.get("MAX_JSON_DEPTH", "32"))
    WORKFLOWS_DIR = Path(os.environ.get("WORKFLOWS_DIR", PROJECT_ROOT / "workflows"))
    DEMO_DATA_ALLOWED = True
    # An item turns yellow in this last share of its committed limit (and always on its last day).
    WARNING_YELLOW_SHARE = float(os.environ.get("WARNING_YELLOW_SHARE", "0.2"))

    API_TITLE = "onething"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    # /api/docs is served by service/api_docs.py (Swagger UI without inline script).
    API_SPEC_OPTIONS = {
        "info": {
            "description": "高效办成一件事: one application, one form, one set of materials; "
            "departments decide their items in parallel. Errors are RFC 9457 problem documents."
        }
    }


    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Redis down: each worker counts in memory (a warning is logged, /healthz says degraded)
    # rather than answering 500; a dead host costs a second, not a hung worker.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = ({"socket_connect_timeout": 1, "socket_timeout": 1}
                                 if RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://"))
                                 else {})
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies in front of the app that append to X-Forwarded-For (core/proxies.py).
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a working day at the window


class ProductionConfig(Config):
    DEMO_DATA_ALLOWED = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
