"""onething: a county's "高效办成一件事" bundles as state machines, behind a Flask API."""

import os
from pathlib import Path

from flask import Flask

from .core.config import (
    DEVELOPMENT_AUDIT_KEY,
    DEVELOPMENT_SECRET_KEY,
    MIN_SECRET_KEY_BYTES,
    PROJECT_ROOT,
    Config,
    ProductionConfig,
)

# Each feature registers its blueprints, commands and hooks itself; access comes first, so its
# check runs before anything else a request triggers.
FEATURES = ("access", "audit", "health", "catalog", "uploads", "outbox", "applications",
            "deadlines", "jobs", "stats", "portal", "online", "staff", "window", "review", "admin",
            "demo", "observability")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    production = os.environ.get("ONETHING_ENV") == "production"
    app.config.from_object(ProductionConfig if production else Config)
    if test_config:
        app.config.update(test_config)
    if production:
        _require_key(app, "SECRET_KEY", DEVELOPMENT_SECRET_KEY)
        _require_key(app, "AUDIT_KEY", DEVELOPMENT_AUDIT_KEY)
        if app.config["AUDIT_KEY"] == app.config["SECRET_KEY"]:
            raise RuntimeError("AUDIT_KEY must differ from SECRET_KEY: a leaked session key "
                               "must not let anyone forge the history's chain")
    _configure_database_url(app)
    app.json.ensure_ascii = False  # Chinese stays readable in every response

    from importlib import import_module

    from .access.policy import requester
    from .core import api_docs, i18n, input_guard, problems, proxies, security, transaction
    from .core.database import db, migrate
    from .core.limits import limiter

    input_guard.init_app(app)  # first: no hook or view sees what it refuses
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    api = problems.ProblemApi(app)
    for feature in FEATURES:
        import_module(f".{feature}", __name__).init_app(app, api)
    limiter.init_app(app)
    security.init_app(app)  # CSRF after the access check: a stranger gets 401, not 400
    i18n.init_app(app)
    api_docs.init_app(app)
    problems.init_app(app)
    transaction.init_app(app, caller=requester)
    proxies.init_app(app)  # the client's address as the trusted proxies saw it
    return app


def _require_key(app: Flask, name: str, development_default: str) -> None:
    key = app.config[name]
    if key == development_default or len(str(key).encode()) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(f"set {name} to {MIN_SECRET_KEY_BYTES} random bytes or more: "
                           "the production configuration has no default")


def _configure_database_url(app: Flask) -> None:
    from .core.database import normalize_url

    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'onething.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_url(url)


__all__ = ["create_app", "Config"]
