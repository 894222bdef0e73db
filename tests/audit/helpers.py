"""What the audit's tests share: an application with some history, raw SQL behind the
application's back, and `flask audit` itself."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from service.core.database import db, utcnow
from service.engine.calendar import local_date
from tests.factories import create, decide, fire


def worked(client) -> str:
    """A newborn application accepted, with one item decided: eight events or so."""
    number = create(client)["number"]
    fire(client, number, "accept")
    decide(client, number, "birth_medical_certificate")
    return number


def execute(app, statement: str, **params) -> list:
    """Raw SQL, as someone with write access to the database alone would run it."""
    with app.app_context(), db.engine.begin() as connection:
        result = connection.execute(text(statement), params)
        return result.all() if result.returns_rows else []


def events_of(app, number: str) -> list:
    """(id, seq, chain_hash) of the application's events, in their numbers' order."""
    return execute(app, "SELECT e.id, e.seq, e.chain_hash FROM events e JOIN applications a "
                        "ON a.id = e.application_id WHERE a.number = :number ORDER BY e.seq",
                   number=number)


def verify(runner, *args):
    return runner.invoke(args=["audit", "verify", *map(str, args)])


def today() -> str:
    return local_date(utcnow()).isoformat()


def anchor(runner, path: Path, day: str | None = None) -> Path:
    """Append the anchor of ``day`` (today) to ``path``, as cron would."""
    result = runner.invoke(args=["audit", "anchor", "--day", day or today()])
    assert result.exit_code == 0, result.output
    with path.open("a", encoding="utf-8") as file:
        file.write(result.stdout)
    return path
