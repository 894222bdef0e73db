"""Settings, read from the environment once at start-up."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_BYTES = 32  # it signs sessions, citizens' tokens and receipt links
DEVELOPMENT_AUDIT_KEY = "dev-only-audit-key-change-me"
# 行政复议法 (2023) art. 20: sixty days; 行政诉讼法 art. 46: six months (docs/DOMAIN.md).
DEFAULT_REMEDIES = ("如不服本决定，可以自知道该决定之日起六十日内依法申请行政复议，"
                    "或者自知道该决定之日起六个月内依法向人民法院提起行政诉讼。")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # The key of the history's chained hashes (service/audit): kept out of the database, so that
    # whoever can write to it alone cannot forge a link. Chains made with one key verify with
    # that key only: never change it once events are recorded.
    AUDIT_KEY = os.environ.get("AUDIT_KEY", DEVELOPMENT_AUDIT_KEY)
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
    # Working days a correction notice gives the applicant unless it says otherwise (no general
    # statute sets one for licences; 行政复议法 art. 31 gives ten for its own corrections).
    CORRECTION_DAYS = int(os.environ.get("CORRECTION_DAYS", "10"))
    # The remedies every refusal and denial states (行政许可法 art. 38), stored with each decision
    # as it was worded then. Name the county's reconsideration body and court here if wished.
    REMEDIES = os.environ.get("REMEDIES", DEFAULT_REMEDIES)
    # Printed at the head of the window's receipts, correction notices and refusals.
    SERVICE_CENTRE_NAME = os.environ.get("SERVICE_CENTRE_NAME", "县政务服务中心")

    API_TITLE = "onething"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    # /api/docs is served by service/core/api_docs.py (Swagger UI without inline script).
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
    # How long a worker trusts a bearer token it checked, without asking the database again
    # (service/access/recent_tokens.py); 0: ask on every request.
    TOKEN_CACHE_SECONDS = float(os.environ.get("TOKEN_CACHE_SECONDS", "10"))
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
    # Background work (docs/JOBS.md). No broker: nothing is queued; `flask outbox deliver` and
    # `flask sla sweep` do the work by hand. redis://… or amqp://… (RabbitMQ).
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
    OUTBOX_LEASE_SECONDS = float(os.environ.get("OUTBOX_LEASE_SECONDS", "60"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    OUTBOX_RETRY_SECONDS = float(os.environ.get("OUTBOX_RETRY_SECONDS", "30"))  # doubles per try
    OUTBOX_REDISPATCH_SECONDS = float(os.environ.get("OUTBOX_REDISPATCH_SECONDS", "60"))
    # Who delivers to each kind of recipient: log, webhook, or sms (applicants only).
    OUTBOX_CITIZEN_SENDER = os.environ.get("OUTBOX_CITIZEN_SENDER", "sms")
    OUTBOX_DEPARTMENT_SENDER = os.environ.get("OUTBOX_DEPARTMENT_SENDER", "log")
    OUTBOX_WEBHOOK_URL = os.environ.get("OUTBOX_WEBHOOK_URL", "")
    OUTBOX_WEBHOOK_SECRET = os.environ.get("OUTBOX_WEBHOOK_SECRET", "")
    OUTBOX_WEBHOOK_TIMEOUT = float(os.environ.get("OUTBOX_WEBHOOK_TIMEOUT", "10"))
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "log")  # only the logging one exists yet
    # The online counter (docs/ONLINE.md). Uploaded materials: where the files are kept (default:
    # the instance folder's uploads/), how large one file may be, and the larger request body
    # the upload routes alone accept (several files and the form).
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "")
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    UPLOAD_REQUEST_MAX_BYTES = int(os.environ.get("UPLOAD_REQUEST_MAX_BYTES", 32 * 1024 * 1024))
    # Who checks an online applicant's name and resident ID: only "form-only" exists here (the
    # ID's checksum and the name's form, never a real-name check); the province's service is one
    # more implementation of service/identity/verification.py.
    IDENTITY_VERIFIER = os.environ.get("IDENTITY_VERIFIER", "form-only")
    SLA_SWEEP_HOURS = os.environ.get("SLA_SWEEP_HOURS", "8-18")  # crontab hours, Asia/Shanghai
    STATS_ROLLUP_SECONDS = float(os.environ.get("STATS_ROLLUP_SECONDS", "60"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a working day at the window
    # Who may read /metrics (docs/OBSERVABILITY.md): these addresses or networks, comma-separated,
    # or anyone sending "Authorization: Bearer <METRICS_TOKEN>" (no token: addresses only).
    METRICS_ALLOWED_IPS = os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1, ::1")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")


class ProductionConfig(Config):
    DEMO_DATA_ALLOWED = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
