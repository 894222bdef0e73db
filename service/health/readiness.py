"""What /readyz checks: the database answers, its migrations are at the head of the scripts,
next year's holiday calendar is stored once deadlines may reach it, and the broker answers
when one is configured. Each check names itself in the answer: "ok", or what is wrong."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from ..core.config import PROJECT_ROOT
from ..core.database import db, utcnow
from ..engine.calendar import local_date
from ..workdays.operations import missing_years

BROKER_TIMEOUT_SECONDS = 1  # a dead broker host costs a probe a second, not a hung worker


def database_checks() -> dict:
    """``database``, ``migrations`` and ``calendar``: "ok" or what is wrong with each."""
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return {"database": f"unavailable ({type(error).__name__})"}
    checks = {"database": "ok"}
    try:
        applied = applied_revisions(connection)
        heads = script_heads(PROJECT_ROOT / "migrations")
        checks["migrations"] = "ok" if applied == heads else (
            f"at {', '.join(sorted(applied)) or 'none'}, head is {', '.join(sorted(heads))}")
        if checks["migrations"] == "ok":
            missing = missing_years(local_date(utcnow()))
            checks["calendar"] = "ok" if not missing else {"missing_years": missing}
    except SQLAlchemyError as error:
        checks["migrations"] = f"unreadable ({type(error).__name__})"
    return checks


def applied_revisions(connection) -> set[str]:
    # What alembic's MigrationContext reads, without its two log lines on every probe.
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.scalars(text("SELECT version_num FROM alembic_version")))


@cache
def script_heads(directory: Path) -> set[str]:
    """The head revisions of the migration scripts: read once per process, they ship with it."""
    return set(ScriptDirectory(str(directory)).get_heads())


def broker_check() -> str | None:
    """None without a broker; "ok" or "unreachable" with one."""
    url = current_app.config.get("CELERY_BROKER_URL")
    if not url or url.startswith("memory://"):
        return None
    try:
        if url.startswith(("redis://", "rediss://")):
            from redis import Redis

            with Redis.from_url(url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                socket_timeout=BROKER_TIMEOUT_SECONDS) as client:
                client.ping()
        else:  # RabbitMQ, or another transport kombu (Celery's) speaks
            from kombu import Connection

            with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as connection:
                connection.ensure_connection(max_retries=0)
    except Exception:  # whatever the failure, the broker does not answer: not ready
        return "unreachable"
    return "ok"
