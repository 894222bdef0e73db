"""Faults under load, on PostgreSQL behind gunicorn with two workers: while clients advance
applications, one worker is killed with SIGKILL and the app's database connections are
terminated. Every request gets a 2xx, a 4xx or a 503 — or no answer where its worker died, and
then its retry with the same Idempotency-Key completes it exactly once; afterwards every
application is consistent and its history chain intact, and the service answers without a
restart. Bounded in seconds: a few hundred requests, not a soak."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from service.applications.models import Application, Event
from service.audit.key import audit_key
from service.audit.verification import verify
from service.core.config import PROJECT_ROOT
from service.core.database import db
from tests.conftest import TEST_AUDIT_KEY, TEST_WORKFLOWS, postgres_admin, postgresql_only
from tests.factories import approval, bundle_definition, create
from tests.servers import free_port, wait_until_up

pytestmark = postgresql_only

APPLICATIONS, CLIENTS = 24, 6
RETRIES = 20


class NoAnswer(Exception):
    """The connection failed or closed before a response: its worker died."""


def _request(url: str, body: dict | None = None, headers: dict | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
            TimeoutError) as error:
        raise NoAnswer(str(error)) from None


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """The app behind gunicorn, two sync workers, on the test's database; its base URL and
    master process."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "AUDIT_KEY": TEST_AUDIT_KEY,
                   "WORKFLOWS_DIR": str(TEST_WORKFLOWS), "WEB_CONCURRENCY": "2",
                   "BIND": f"127.0.0.1:{port}", "SECRET_KEY": "faults-test-secret-key"}
    url, log = f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--access-logfile", "/dev/null", "wsgi:app"], cwd=PROJECT_ROOT, env=environment,
            stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until_up(url, master, log)
        yield url, master
    finally:
        master.terminate()
        master.wait(timeout=20)


@dataclass
class Tally:
    answers: Counter = field(default_factory=Counter)  # status class → count
    unanswered: int = 0
    retried: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self.lock:
            self.answers[f"{status // 100}xx" if status != 503 else "503"] += 1


def _send(url: str, headers: dict, body: dict, tally: Tally) -> int:
    """POST with one Idempotency-Key until a definite answer: a worker killed mid-request, or a
    503, is retried with the same key."""
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    for attempt in range(RETRIES):
        try:
            status = _request(url, body, headers)
        except NoAnswer:
            with tally.lock:
                tally.unanswered += 1
                tally.retried += attempt == 0
            time.sleep(0.2)
            continue
        tally.count(status)
        if status != 503:
            return status
        time.sleep(0.2)
    raise AssertionError(f"no definite answer after {RETRIES} tries: {url}")


def _advance(url: str, number: str, items: list[str], approvals: dict, headers: dict,
             tally: Tally) -> None:
    base = f"{url}/api/applications/{number}/transitions"
    statuses = [_send(base, headers["clerk"], {"trigger": "accept"}, tally)]
    for item in items:
        statuses.append(_send(base, headers["supervisor"],
                              {"trigger": "start_review", "item": item}, tally))
        statuses.append(_send(base, headers["supervisor"],
                              {"trigger": "approve", "item": item, "data": approvals[item]},
                              tally))
    assert all(status < 500 for status in statuses), statuses


def _chaos(master: subprocess.Popen, database: str, stop: threading.Event,
           done: Counter) -> None:
    """Kill a worker, then terminate the app's connections, again and again until stopped."""
    workers = _children(master.pid)
    while not stop.is_set():
        time.sleep(0.4)
        if workers and done["kills"] < 2:
            os.kill(random.choice(workers), signal.SIGKILL)
            done["kills"] += 1
        time.sleep(0.4)
        with postgres_admin() as admin:
            done["terminated"] += admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND application_name = ''",
                (database,)).fetchone()[0]
        workers = _children(master.pid) or workers


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(each) for each in found.stdout.split()]


def test_killed_workers_and_dropped_connections_lose_nothing_and_double_nothing(
        app, client, gunicorn, database_url):
    url, master = gunicorn
    numbers = [create(client, "restaurant")["number"] for _ in range(APPLICATIONS)]
    bundle = bundle_definition(app, "restaurant")
    items = bundle.execution_order()
    approvals = {item: approval(app, item) for item in items}
    headers = {role: client.staff.headers(role) for role in ("clerk", "supervisor")}
    tally, stop, done = Tally(), threading.Event(), Counter()
    database = database_url.rsplit("/", 1)[1]
    chaos = threading.Thread(target=_chaos, args=(master, database, stop, done))
    chaos.start()
    errors: list[BaseException] = []

    def work(share: list[str]) -> None:
        try:
            for number in share:
                _advance(url, number, items, approvals, headers, tally)
        except BaseException as error:  # reported below, with the tally
            errors.append(error)

    clients = [threading.Thread(target=work, args=(numbers[index::CLIENTS],))
               for index in range(CLIENTS)]
    for each in clients:
        each.start()
    for each in clients:
        each.join(timeout=120)
    stop.set()
    chaos.join()
    report = (f"answers {dict(tally.answers)}, unanswered {tally.unanswered}, "
              f"kills {done['kills']}, connections terminated {done['terminated']}")
    print(report)
    assert not errors, (errors, report)
    assert done["kills"] >= 1 and done["terminated"] >= 1, report
    assert tally.answers["5xx"] == 0, report

    with app.app_context():
        db.session.expire_all()
        for application in db.session.scalars(select(Application).where(
                Application.number.in_(numbers))):
            assert application.state == "concluded", application.number
            events = db.session.scalars(select(Event).where(
                Event.application_id == application.id).order_by(Event.seq)).all()
            steps = Counter((event.trigger, event.item_code) for event in events)
            assert all(count == 1 for count in steps.values()), (application.number, steps)
            for row in application.items:
                last = [event for event in events if event.item_code == row.item_code][-1]
                assert (row.state, last.to_state) == ("approved", "approved")
        verification = verify(audit_key())
        assert verification.findings == [] and verification.applications >= APPLICATIONS
    # The service recovered by itself: the workers answer again.
    assert _request(f"{url}/api/bundles") == 200
