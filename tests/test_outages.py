"""What the service answers when what it stands on fails: a 503 with Retry-After when the
database is down (a page, or a problem document on the API), a fresh connection in place of one
the server closed, and rate limits counted in memory while Redis is unreachable."""

import logging
import socket
import subprocess
import time
from datetime import UTC, datetime

import psycopg
import pytest
import time_machine
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from service.access.citizens import SESSION_KEY
from service.applications.models import Application
from service.core.database import db
from service.core.limits import limiter
from tests.conftest import POSTGRES_URL, make_app, postgresql_only
from tests.factories import application_payload
from tests.servers import free_port

PROBLEM = "application/problem+json"
BEFORE_NOVEMBER = time_machine.travel(datetime(2026, 10, 1, 2, tzinfo=UTC), tick=True)
UNREACHABLE = {
    "postgresql": "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=1",
    "sqlite": "sqlite:////nonexistent-directory/onething.sqlite3",
}


@pytest.mark.parametrize("kind", UNREACHABLE)
def test_a_database_down_is_a_503_with_retry_after(kind):
    down = make_app(UNREACHABLE[kind])
    client = down.test_client()
    api = client.get("/api/bundles")
    token = client.get("/api/applications", headers={"Authorization": "Bearer not-checkable"})
    health = client.get("/readyz")
    for response in (api, token, health):
        assert response.status_code == 503 and response.mimetype == PROBLEM
        assert int(response.headers["Retry-After"]) > 0
    assert api.get_json()["type"] == "urn:onething:problem:database-unavailable"
    with client.session_transaction() as session:
        session[SESSION_KEY] = "20261126000001"  # an applicant's status page reads the database
    page = client.get("/status")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert int(page.headers["Retry-After"]) > 0
    assert "系统暂时无法服务" in page.get_data(as_text=True)


def test_a_statement_the_database_refuses_is_still_a_bug(tmp_path):
    """An empty SQLite file has no tables: that is no outage to wait out."""
    empty = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(OperationalError, match="no such table"):
        empty.test_client().get("/api/bundles")
    with empty.app_context():
        db.engine.dispose()


@postgresql_only
def test_a_pooled_connection_the_server_closed_is_replaced(database_url, app):
    fresh = make_app(database_url)  # its own pool
    client = fresh.test_client()
    assert client.get("/api/bundles").status_code == 200
    with fresh.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # the pooled connection
        db.session.remove()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    assert client.get("/api/bundles").status_code == 200
    with fresh.app_context():
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def redis_at(database_url, app):
    """An app whose rate limits are counted in Redis at the given URI. The limiter is one
    object for every app: its storage goes back to memory afterwards."""
    made = []

    def make(uri: str):
        made.append(make_app(database_url, RATELIMIT_STORAGE_URI=uri))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()
    make_app(database_url)
    limiter._storage_dead = False  # Flask-Limiter would notice only at its next storage check


def test_redis_down_limits_in_memory_and_readyz_says_degraded(client, app, redis_at, caplog):
    down = redis_at("redis://127.0.0.1:1/0")
    anonymous = down.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        created = anonymous.post("/api/applications",
                                 json=application_payload(app, channel="online"))
    assert created.status_code == 201, created.get_json()
    assert "falling back to in-memory storage" in caplog.text
    assert created.headers["X-RateLimit-Limit"]  # still counted, in this worker's memory
    health = anonymous.get("/readyz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["rate_limits"] == "unreachable"


def test_redis_down_the_applicants_look_up_still_answers(client, app, redis_at):
    created = client.post("/api/applications", json=application_payload(app)).get_json()
    anonymous = redis_at("redis://127.0.0.1:1/0").test_client()
    for query_code in ("WRONGWRONG", created["query_code"]):
        response = anonymous.post("/api/citizen/session", json={
            "number": created["number"], "query_code": query_code})
        assert response.status_code < 500
    assert response.status_code == 200


def test_readyz_reports_a_reachable_redis(app, redis_at):
    up = redis_at("redis://127.0.0.1:6379/0")
    with BEFORE_NOVEMBER:  # from 1 November a missing next year's calendar degrades it too
        body = up.test_client().get("/readyz").get_json()
    assert (body["status"], body["rate_limits"]) == ("ready", "ok")


def test_a_connection_dropped_at_commit_is_a_503_and_a_retry_does_the_work(client, app,
                                                                          monkeypatch):
    """PostgreSQL rolls back a transaction whose connection it terminates at COMMIT: the client
    is told to retry (503), and its retry with the same Idempotency-Key does the work once."""
    real_commit = db.session.commit
    failures = iter([OperationalError("COMMIT", {}, psycopg.OperationalError(
        "terminating connection due to administrator command"))])

    def commit_once_dropped():
        error = next(failures, None)
        if error is not None:
            db.session.rollback()
            raise error
        real_commit()

    monkeypatch.setattr(db.session, "commit", commit_once_dropped)
    headers = {"Idempotency-Key": "dropped-at-commit"}
    payload = application_payload(app, "restaurant")
    dropped = client.post("/api/applications", json=payload, headers=headers)
    assert dropped.status_code == 503 and dropped.headers["Retry-After"]
    assert dropped.mimetype == PROBLEM
    retried = client.post("/api/applications", json=payload, headers=headers)
    assert retried.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own on a free port, to stop and start again; its URI and a
    restart function."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(tmp_path)]
    servers = []

    def start():
        servers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
        for _ in range(50):
            with socket.socket() as client_socket:
                if client_socket.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop():
        servers[-1].terminate()
        servers[-1].wait(timeout=10)

    start()
    yield f"redis://127.0.0.1:{port}/0", start, stop
    if servers[-1].poll() is None:
        stop()


def test_redis_down_then_back_the_service_recovers_by_itself(client, app, redis_at,
                                                            private_redis):
    uri, start, stop = private_redis
    shared = redis_at(uri).test_client()
    assert shared.get("/readyz").get_json()["rate_limits"] == "ok"
    stop()
    assert shared.get("/readyz").get_json()["rate_limits"] == "unreachable"
    assert shared.post("/api/applications",
                       json=application_payload(app, channel="online")).status_code == 201
    start()
    with BEFORE_NOVEMBER:
        health = shared.get("/readyz").get_json()
    assert (health["status"], health["rate_limits"]) == ("ready", "ok")
