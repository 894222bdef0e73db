"""The look-up lockout holds across workers: two gunicorn servers (two processes, as two workers
of one deployment) behind one trusted proxy, counting in the real Redis."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis

from service.core.config import PROJECT_ROOT
from tests.conftest import postgresql_only
from tests.factories import create
from tests.servers import free_port, wait_until_up

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
GUNICORN = Path(sys.executable).with_name("gunicorn")
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"

pytestmark = postgresql_only


def redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: Redis tests must run)", pytrace=False)
        pytest.skip(message)
    return connection


@pytest.fixture
def workers(database_url, app, client, tmp_path):
    """Two servers on one database and one Redis, each trusting one proxy hop; their keys carry
    a prefix of this test's own, removed afterwards."""
    connection = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:12]}/"
    factory = f"service:create_app(test_config={{'RATELIMIT_KEY_PREFIX': {prefix!r}}})"
    environment = {**os.environ, "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": REDIS_URL,
                   "TRUSTED_PROXY_HOPS": "1", "ONETHING_ENV": "development"}
    processes, urls, logs = [], [], []
    try:
        for worker in range(2):
            port = free_port()
            logs.append(tmp_path / f"worker-{worker}.log")
            with logs[-1].open("wb") as log:
                processes.append(subprocess.Popen(
                    [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{port}", factory],
                    cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=log))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process, log in zip(urls, processes, logs, strict=True):
            wait_until_up(url, process, log)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        keys = list(connection.scan_iter(match=f"*{prefix}*"))
        if keys:
            connection.delete(*keys)


def look_up(url: str, client_address: str, number: str, code: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url + "/api/citizen/session", method="POST",
        data=json.dumps({"number": number, "query_code": code}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": client_address})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_a_client_locked_out_by_one_worker_is_locked_out_by_another(workers, client):
    first, second = workers
    mine = create(client)
    for serial in range(5):
        status, _ = look_up(first, ATTACKER, f"2099010100{serial:04d}", "ABCDEFGHJK")
        assert status == 404
    status, headers = look_up(second, ATTACKER, mine["number"], mine["query_code"])
    assert status == 429 and 0 < int(headers["Retry-After"]) <= 60
    # Another client, through the same proxy, is let through by either worker.
    assert look_up(second, OWNER, mine["number"], mine["query_code"])[0] == 200
    assert look_up(first, OWNER, mine["number"], mine["query_code"])[0] == 200
