"""/healthz: the process answers (no database). /readyz: the database answers, its migrations
are at head, the broker answers when one is configured; else 503 naming what is not ready. Next
year's calendar missing once deadlines may reach it makes it degraded (still 200)."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import text

from service.core.database import db
from service.workdays.operations import replace_year
from service.workdays.schedules import YearSchedule
from tests.conftest import make_app

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=1"
PROBLEM = "application/problem+json"


def test_healthz_answers_without_the_database():
    response = make_app(UNREACHABLE).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@time_machine.travel(datetime(2026, 10, 15, 2, tzinfo=UTC), tick=False)
def test_readyz_answers_when_everything_is_ready(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready", "database": "ok", "migrations": "ok",
                                   "calendar": "ok"}


@time_machine.travel(datetime(2026, 11, 1, 2, tzinfo=UTC), tick=False)
def test_from_november_readyz_is_degraded_until_next_years_calendar_is_stored(app):
    """Degraded, not unready: every instance out of the balancer would be worse than deadlines
    marked provisional."""
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["calendar"] == {"missing_years": [2027]}
    with app.app_context():
        replace_year(YearSchedule(2027, source="test"))
        db.session.commit()
    assert app.test_client().get("/readyz").get_json()["status"] == "ready"


def test_readyz_is_503_when_the_database_does_not_answer():
    response = make_app(UNREACHABLE).test_client().get("/readyz")
    assert response.status_code == 503 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["not_ready"] == ["database"]
    assert body["checks"]["database"].startswith("unavailable")


@time_machine.travel(datetime(2026, 10, 15, 2, tzinfo=UTC), tick=False)
def test_readyz_is_503_when_migrations_are_behind_the_scripts(app):
    with app.app_context():
        head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = 'an0lder1'"))
        db.session.commit()
    try:
        body = app.test_client().get("/readyz").get_json()
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"),
                               {"head": head})
            db.session.commit()
    assert body["not_ready"] == ["migrations"]
    assert body["checks"]["migrations"] == f"at an0lder1, head is {head}"


@pytest.mark.parametrize(("broker", "state"), [
    ("redis://127.0.0.1:6379/14", "ok"),
    ("redis://127.0.0.1:1/0", "unreachable"),
    ("amqp://guest:guest@127.0.0.1:5672//", "ok"),  # RabbitMQ, through kombu
    ("amqp://guest:guest@127.0.0.1:1//", "unreachable"),
])
@time_machine.travel(datetime(2026, 10, 15, 2, tzinfo=UTC), tick=False)
def test_readyz_checks_the_broker_when_one_is_configured(database_url, broker, state):
    app = make_app(database_url, CELERY_BROKER_URL=broker)
    response = app.test_client().get("/readyz")
    body = response.get_json()
    if state == "ok":
        assert response.status_code == 200 and body["broker"] == "ok", body
    else:
        assert response.status_code == 503 and body["not_ready"] == ["broker"], body
        assert body["checks"]["broker"] == "unreachable"
    with app.app_context():
        db.engine.dispose()
