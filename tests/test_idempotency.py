"""``Idempotency-Key``: a retried POST returns the first response and changes nothing."""

import threading

from tests.conftest import postgresql_only
from tests.db_counts import counts
from tests.factories import application_payload, create


def test_retried_creation_returns_the_first_response_and_creates_once(client, app):
    payload = application_payload(app)
    headers = {"Idempotency-Key": "create-7f3a"}
    first = client.post("/api/applications", json=payload, headers=headers)
    after_first = counts(app)
    again = client.post("/api/applications", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert counts(app) == after_first
    assert counts(app)["applications"] == 1


def test_retried_transition_changes_nothing(client, app):
    number = create(client)["number"]
    url = f"/api/applications/{number}/transitions"
    headers = {"Idempotency-Key": "accept-1"}
    first = client.post(url, json={"trigger": "accept"}, headers=headers)
    after_first = counts(app)
    again = client.post(url, json={"trigger": "accept"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert counts(app) == after_first
    # Without the key, the same request is a new one, and no longer allowed.
    assert client.post(url, json={"trigger": "accept"}).status_code == 409


def test_a_key_reused_for_another_request_is_refused(client, app):
    headers = {"Idempotency-Key": "k-1"}
    assert client.post("/api/applications", json=application_payload(app),
                       headers=headers).status_code == 201
    before = counts(app)
    other = application_payload(app, serial=2)
    response = client.post("/api/applications", json=other, headers=headers)
    assert response.status_code == 422
    assert "k-1" in response.get_json()["detail"]
    assert counts(app) == before


def test_failed_requests_are_not_remembered(client, app):
    headers = {"Idempotency-Key": "k-2"}
    bad = client.post("/api/applications", json={**application_payload(app), "bundle": "x"},
                      headers=headers)
    assert bad.status_code == 422
    assert counts(app)["idempotency_records"] == 0


def test_an_overlong_key_is_refused(client, app):
    response = client.post("/api/applications", json=application_payload(app),
                           headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 400
    assert counts(app)["applications"] == 0


@postgresql_only
def test_racing_retries_with_one_key_create_one_application(client, app):
    payload = application_payload(app)
    barrier = threading.Barrier(4)
    responses = []

    def post():
        with app.test_client() as own_client:
            barrier.wait()
            responses.append(own_client.post("/api/applications", json=payload,
                                              environ_base=client.environ_base,
                                              headers={"Idempotency-Key": "race-1"}))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [response.status_code for response in responses] == [201] * 4
    assert len({response.get_json()["number"] for response in responses}) == 1
    assert counts(app)["applications"] == 1
