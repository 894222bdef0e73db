"""onething: a county's "高效办成一件事" bundles as state machines, behind a Flask API."""

import logging
import os
from pathlib import Path

from flask import Flask

from .config import DEVELOPMENT_SECRET_KEY, PROJECT_ROOT, Config, ProductionConfig


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    production = os.environ.get("ONETHING_ENV") == "production"
    app.config.from_object(ProductionConfig if production else Config)
    if test_config:
        app.config.update(test_config)
    if production and app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
        raise RuntimeError("set SECRET_KEY: the production configuration has no default")
    _configure_database_url(app)
    app.json.ensure_ascii = False  # Chinese stays readable in every response
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("transitions").setLevel(logging.WARNING)  # it logs every state entered

    from . import i18n, problems, security, transaction
    from .access.api import tokens_blp, users_blp
    from .access.citizen_api import blp as citizen_blp
    from .access.cli import users_cli
    from .access.login import login_manager
    from .access.pages import bp as pages_bp
    from .access.policy import check_access
    from .api_docs import bp as api_docs_bp
    from .applications.api import blp as applications_blp
    from .catalog.api import blp as bundles_blp
    from .catalog.cli import catalog_cli
    from .database import db, migrate
    from .deadlines.api import blp as overdue_blp
    from .deadlines.cli import sla_cli
    from .demo.cli import demo_cli
    from .health import bp as health_bp
    from .limits import limiter
    from .portal.pages import bp as portal_bp
    from .stats.api import blp as stats_blp
    from .stats.cli import stats_command
    from .workdays.api import blp as calendar_blp
    from .workdays.cli import calendar_cli

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    app.before_request(check_access)  # first: nothing runs for whom it is not allowed
    limiter.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    api = problems.ProblemApi(app)
    api.register_blueprint(bundles_blp)
    api.register_blueprint(applications_blp)
    api.register_blueprint(overdue_blp)
    api.register_blueprint(stats_blp)
    api.register_blueprint(calendar_blp)
    api.register_blueprint(users_blp)
    api.register_blueprint(tokens_blp)
    api.register_blueprint(citizen_blp)
    for blueprint in (bundles_blp, applications_blp, overdue_blp, stats_blp, calendar_blp,
                      users_blp, tokens_blp, citizen_blp):
        security.csrf.exempt(blueprint)  # the API takes bearer tokens, never the session cookie
    app.register_blueprint(health_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(portal_bp)
    problems.init_app(app)
    transaction.init_app(app)
    app.cli.add_command(catalog_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(sla_cli)
    app.cli.add_command(stats_command)
    app.cli.add_command(users_cli)
    return app


def _configure_database_url(app: Flask) -> None:
    from .database import normalize_url

    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'onething.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_url(url)


__all__ = ["create_app", "Config"]
