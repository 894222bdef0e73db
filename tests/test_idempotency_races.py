"""``Idempotency-Key``: a key is its caller's own, and a retry that overtakes its original waits
for it, then answers with its response (on PostgreSQL, against a live server)."""

import json
import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from tests.browsing import served
from tests.conftest import postgresql_only
from tests.db_counts import counts
from tests.factories import application_payload, create

HEADERS = {"Idempotency-Key": "7d1f0e9c-shared"}


def test_another_anonymous_client_with_the_same_key_and_body_gets_its_own_application(client,
                                                                                        app):
    payload = application_payload(app, channel="online")
    first = app.test_client().post("/api/applications", json=payload, headers=HEADERS,
                                   environ_base={"REMOTE_ADDR": "198.51.100.7"})
    other = app.test_client().post("/api/applications", json=payload, headers=HEADERS,
                                   environ_base={"REMOTE_ADDR": "203.0.113.66"})
    assert first.status_code == other.status_code == 201
    assert "Idempotent-Replayed" not in other.headers
    assert other.get_json()["number"] != first.get_json()["number"]
    assert other.get_json()["query_code"] != first.get_json()["query_code"]
    assert first.get_json()["query_code"] not in other.get_data(as_text=True)
    assert first.get_json()["receipt_url"] not in other.get_data(as_text=True)
    # The first client's own retry is still answered with its own response.
    retry = app.test_client().post("/api/applications", json=payload, headers=HEADERS,
                                   environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json()
    assert counts(app)["applications"] == 2


def test_a_staff_key_is_not_an_anonymous_callers(client, app):
    payload = application_payload(app, channel="online")
    clerks = client.post("/api/applications", json=payload, headers=HEADERS)
    anonymous = app.test_client().post("/api/applications", json=payload, headers=HEADERS)
    assert clerks.status_code == anonymous.status_code == 201
    assert anonymous.get_json()["number"] != clerks.get_json()["number"]


def test_an_applicants_key_is_theirs(client, app):
    """Two applicants (of two applications) may draw the same key: each gets their own answer."""
    answers = []
    for created in (create(client), create(client)):
        token = app.test_client().post("/api/citizen/session", json={
            "number": created["number"], "query_code": created["query_code"]}).get_json()["token"]
        answers.append(app.test_client().post(
            "/api/citizen/application/transitions", json={"trigger": "withdraw", "reason": "x"},
            headers={**HEADERS, "Authorization": f"Bearer {token}"}))
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].get_json()["number"] != answers[1].get_json()["number"]


@pytest.fixture
def live(app, client):
    """The app on a free port, one thread per request."""
    with served(app) as url:
        yield url


def post(url: str, body: dict, headers: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def waiting_for_locks(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'").fetchone()[0]


@postgresql_only
def test_a_retry_racing_its_original_waits_and_gets_its_response(client, app, live,
                                                                  database_url):
    """The original is held up inside its transaction (the test holds the application's row);
    its retry arrives meanwhile. Both answer 200 with one response; the trigger fires once."""
    number = create(client)["number"]
    url = f"{live}/api/applications/{number}/transitions"
    headers = {**client.staff.headers("clerk"), "Idempotency-Key": "accept-once"}
    responses: list = []

    def send() -> None:
        responses.append(post(url, {"trigger": "accept"}, headers))

    with psycopg.connect(database_url) as holder:
        holder.execute("SELECT id FROM applications WHERE number = %s FOR UPDATE", (number,))
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        deadline = time.monotonic() + 10
        while waiting_for_locks(database_url) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting_for_locks(database_url) == 2
        holder.rollback()
    for thread in threads:
        thread.join()

    assert sorted(status for status, _, _ in responses) == [200, 200], responses
    (_, first_headers, first), (_, second_headers, second) = responses
    assert first == second
    assert sorted(headers.get("Idempotent-Replayed", "") for headers in
                  (first_headers, second_headers)) == ["", "true"]
    history = client.get(f"/api/applications/{number}").get_json()["history"]
    assert [event["trigger"] for event in history].count("accept") == 1


@postgresql_only
def test_a_retry_of_a_failed_original_does_the_work_itself(client, app, live, database_url):
    """A retry that waited for an original that failed finds no record, and tries on its own."""
    number = create(client)["number"]
    url = f"{live}/api/applications/{number}/transitions"
    headers = {**client.staff.headers("clerk"), "Idempotency-Key": "bad-then-good"}
    bad = post(url, {"trigger": "approve"}, headers)  # an item trigger without its item
    assert bad[0] >= 400
    good = post(url, {"trigger": "accept"}, headers)
    assert good[0] == 200 and "Idempotent-Replayed" not in good[1]
