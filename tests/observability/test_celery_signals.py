"""The request's id travels into the Celery tasks the request starts: a real worker (Celery's own
test worker, in a thread of this process) on the real Redis runs a task published by a request,
and sees, and logs with, the id of that request; a task published outside any request has none.

No result backend: Celery's Redis backend calls a method redis-py deprecates (an error under
this suite's warnings policy); the task hands what it saw to the test through a queue."""

import logging
import queue
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from flask import current_app, jsonify

from service.access.policy import PUBLIC, RULES
from service.core.database import db
from service.observability.request_ids import current_request_id
from tests.conftest import make_app

BROKER = "redis://127.0.0.1:6379/14"
TIMEOUT = 20
SEEN = "tests.observability.seen_request_id"
NONE = "(none)"  # what the task saw outside any request


@pytest.fixture
def celery_app():
    app = Celery("observability-tests", broker=BROKER)
    app.conf.update(task_default_queue=f"observability-{uuid.uuid4().hex}",
                    task_ignore_result=True, broker_connection_retry_on_startup=True)
    seen = queue.Queue()

    def seen_request_id():
        logging.getLogger("tests.observability.task").info("running")
        seen.put(current_request_id() or NONE)

    app.task(name=SEEN, shared=False)(seen_request_id)  # this app's only
    with start_worker(app, perform_ping_check=False, shutdown_timeout=TIMEOUT):
        yield app, seen


@pytest.fixture
def publishing_app(database_url, monkeypatch):
    """An app with a route that starts the task; made before the worker starts (an app made
    while it runs sets up a Celery app of its own as the default, under the worker's feet)."""
    app = make_app(database_url)

    @app.get("/publish")
    def publish():
        return jsonify(current_app.extensions["tests_celery"].tasks[SEEN].delay().id)

    monkeypatch.setitem(RULES, "publish", PUBLIC)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_task_started_by_a_request_runs_and_logs_with_its_id(publishing_app, celery_app,
                                                              caplog):
    publishing_app.extensions["tests_celery"], seen = celery_app
    with caplog.at_level(logging.INFO):
        response = publishing_app.test_client().get("/publish",
                                                    headers={"X-Request-ID": "req-42"})
        assert response.status_code == 200
        assert seen.get(timeout=TIMEOUT) == "req-42"
    [ran] = [record for record in caplog.records if record.name == "tests.observability.task"]
    assert ran.request_id == "req-42"
    assert current_request_id() is None  # the request's id went with the request


def test_a_task_published_outside_a_request_has_no_id(celery_app, app):
    """Nor does the id of a task run before linger on the worker."""
    celery, seen = celery_app
    for _ in range(2):
        celery.tasks[SEEN].delay()
        assert seen.get(timeout=TIMEOUT) == NONE
