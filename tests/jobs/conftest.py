"""What the background work's tests share: the real Redis (a database of their own, flushed
before and after each test), a webhook receiver run by the test, and the app configured for
them (short leases, quick retries, every message to the receiver)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from service.core.database import db
from service.outbox.models import OutboxMessage
from service.outbox.senders import MESSAGE_ID_HEADER, SIGNATURE_HEADER
from tests.conftest import IN_CI, make_app, staff_client

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
SECRET = "the-webhook-secret-of-the-tests"


def wait_until(condition: Callable[[], object], timeout: float = 10, what: str = "") -> object:
    """Poll ``condition`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"not within {timeout} s: {what}", pytrace=False)


@pytest.fixture
def broker():
    """The tests' Redis database, empty."""
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as error:
        message = f"Redis is not reachable at {BROKER}: {error}"
        if IN_CI:
            pytest.fail(message + " (CI=true: the worker tests must run)", pytrace=False)
        pytest.skip(message)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@dataclass
class Delivery:
    message_id: str
    body: dict
    signed: bool


@dataclass
class Receiver:
    """A department's system as the webhook reaches it: answers each request with the next of
    ``answers`` (then 200); "block" holds the request until ``release``."""

    url: str = ""
    answers: list = field(default_factory=list)
    received: list[Delivery] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, count: int, timeout: float = 10) -> list[Delivery]:
        wait_until(lambda: len(self.received) >= count, timeout, f"{count} webhook requests")
        return self.received


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            signed = hmac.compare_digest(self.headers.get(SIGNATURE_HEADER, ""), expected)
            state.received.append(Delivery(self.headers.get(MESSAGE_ID_HEADER),
                                           json.loads(body), signed))
            answer = state.answers.pop(0) if state.answers else 200
            if answer == "block":
                state.release.wait(30)
                answer = 200
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/outbox"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def jobs_config(receiver: Receiver, lease: float = 2, timeout: float = 1) -> dict:
    return {"CELERY_BROKER_URL": BROKER, "OUTBOX_LEASE_SECONDS": lease,
            "OUTBOX_WEBHOOK_TIMEOUT": timeout, "OUTBOX_RETRY_SECONDS": 0.2,
            "OUTBOX_REDISPATCH_SECONDS": 0.5,
            "OUTBOX_MAX_ATTEMPTS": 3, "OUTBOX_CITIZEN_SENDER": "webhook",
            "OUTBOX_DEPARTMENT_SENDER": "webhook", "OUTBOX_WEBHOOK_URL": receiver.url,
            "OUTBOX_WEBHOOK_SECRET": SECRET}


@pytest.fixture
def jobs_app(app, database_url, broker, receiver):
    """An app on the test's database that queues its messages on the tests' Redis; ``app``
    empties the database afterwards."""
    jobs = make_app(database_url, **jobs_config(receiver))
    yield jobs
    with jobs.app_context():
        db.engine.dispose()


@pytest.fixture
def jobs_client(jobs_app, staff):
    return staff_client(jobs_app, staff)


@pytest.fixture
def worker(jobs_app):
    """A real Celery worker in a thread of this process, consuming the tests' Redis."""
    with start_worker(jobs_app.extensions["celery"], pool="solo", perform_ping_check=False,
                      shutdown_timeout=10) as running:
        yield running


def message_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def worker_process(database_url: str, receiver: Receiver, tmp_path, *arguments: str,
                   **config) -> subprocess.Popen:
    """`celery --app service.jobs.worker worker` in a process of its own, as deployed."""
    settings = {**jobs_config(receiver), **config}
    environment = {**os.environ, "DATABASE_URL": database_url,
                   **{key: str(value) for key, value in settings.items()}}
    with open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w") as log:
        return subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "celery"), "--app",
             "service.jobs.worker", "worker", "--pool", "solo", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel", "INFO", *arguments],
            env=environment, stdout=log, stderr=subprocess.STDOUT)
