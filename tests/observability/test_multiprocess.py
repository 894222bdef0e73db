"""/metrics under gunicorn with two workers: every worker's counts summed, a killed worker's
counts kept, the metrics directory wiped when the server starts."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade

from service.core.config import PROJECT_ROOT
from service.core.database import db
from tests.conftest import TEST_AUDIT_KEY, TEST_WORKFLOWS, make_app
from tests.observability.scraping import samples, value
from tests.servers import free_port, wait_until_up

REQUESTS, CLIENTS = 60, 6
HEALTHZ = {"endpoint": "health.healthz", "method": "GET", "status": "200"}


@pytest.fixture
def sqlite_file(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'onething.sqlite3'}"
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        db.engine.dispose()
    return url


@pytest.fixture
def gunicorn(sqlite_file, tmp_path):
    """Two sync workers; a metrics directory holding a stale file from a run before."""
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_1.db").write_bytes(b"left over from a run before")
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": sqlite_file, "AUDIT_KEY": TEST_AUDIT_KEY,
                   "WORKFLOWS_DIR": str(TEST_WORKFLOWS), "WEB_CONCURRENCY": "2",
                   "BIND": f"127.0.0.1:{port}", "SECRET_KEY": "metrics-test-secret-key",
                   "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    url, log = f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until_up(url, master, log)
        yield url, master, metrics
    finally:
        master.terminate()
        master.wait(timeout=20)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def _workers(master: subprocess.Popen) -> list[int]:
    children = f"/proc/{master.pid}/task/{master.pid}/children"
    with open(children) as listing:
        return [int(pid) for pid in listing.read().split()]


def _serving(metrics) -> set[int]:
    """The workers that have counted something: each writes its own counter_<pid>.db."""
    return {int(path.stem.rpartition("_")[2]) for path in metrics.glob("counter_*.db")}


def _load(url: str, master: subprocess.Popen, metrics) -> int:
    """Requests to /healthz, REQUESTS at a time, until every worker has counted one or 30 s
    passed: a worker still importing the app when the first ones arrive takes none of them.
    How many were sent."""
    sent, deadline = 0, time.monotonic() + 30
    while True:
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda _: _get(url + "/healthz"), range(REQUESTS)))
        sent += REQUESTS
        if set(_workers(master)) <= _serving(metrics) or time.monotonic() > deadline:
            return sent


def test_every_workers_counts_are_summed_and_a_dead_workers_kept(gunicorn):
    url, master, metrics = gunicorn
    assert not (metrics / "counter_1.db").exists()  # wiped at start
    before = value(samples(_get(url + "/metrics")), "onething_http_requests_total", **HEALTHZ)
    sent = _load(url, master, metrics)
    serving = _serving(metrics)
    assert set(_workers(master)) <= serving and len(serving) == 2, "both workers counted"
    after = samples(_get(url + "/metrics"))
    assert value(after, "onething_http_requests_total", **HEALTHZ) == before + sent

    killed = _workers(master)[0]
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while killed in _workers(master) or len(_workers(master)) < 2:
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.2)
    sent += _load(url, master, metrics)
    final = samples(_get(url + "/metrics"))
    assert value(final, "onething_http_requests_total", **HEALTHZ) == before + sent
    assert value(final, "onething_applications", state="submitted") == 0  # the gauges as well
