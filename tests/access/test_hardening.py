"""Secrets are not stored by caches; the last administrator stays; the bearer scheme is
case-insensitive."""

import re
import threading

import pytest
from sqlalchemy import select

from service.access.citizens import receipt_token
from service.access.models import User
from service.access.operations import issue_token
from service.access.policy import NO_STORE, RULES
from service.core.database import db
from tests.access.test_pages import csrf_token, sign_in
from tests.conftest import postgresql_only
from tests.factories import application_payload, create


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_no_store_endpoint_exists():
    assert set(RULES) >= NO_STORE


def test_a_new_application_with_its_query_code_is_not_stored(client, app):
    payload = application_payload(app)
    first = client.post("/api/applications", json=payload, headers={"Idempotency-Key": "ns-1"})
    assert first.status_code == 201 and no_store(first)
    replayed = client.post("/api/applications", json=payload, headers={"Idempotency-Key": "ns-1"})
    assert replayed.headers["Idempotent-Replayed"] == "true" and no_store(replayed)
    online = app.test_client().post("/api/applications",
                                    json=application_payload(app, channel="online"))
    assert online.status_code == 201 and no_store(online)


def test_the_citizen_session_and_a_new_token_are_not_stored(client, app):
    created = create(client)
    session = app.test_client().post("/api/citizen/session", json={
        "number": created["number"], "query_code": created["query_code"]})
    assert session.status_code == 200 and no_store(session)
    token = client.post("/api/tokens", json={"name": "ci"})
    assert token.status_code == 201 and no_store(token)


def test_the_receipt_page_is_not_stored(client, app):
    created = create(client)
    with app.test_request_context():
        token = receipt_token(created["number"], created["query_code"])
    response = app.test_client().get(f"/receipt/{token}")
    assert response.status_code == 200 and created["query_code"] in response.get_data(as_text=True)
    assert no_store(response)


def test_the_account_page_showing_a_new_token_is_not_stored(app, staff):
    browser = app.test_client()
    sign_in(browser)
    page = browser.get("/account").get_data(as_text=True)
    response = browser.post("/account/tokens", data={"name": "reports", "days": "30",
                                                     "csrf_token": csrf_token(page)})
    assert response.status_code == 201 and re.search(r"<code>ot_", response.get_data(as_text=True))
    assert no_store(response)


def test_pages_without_secrets_may_be_cached(client, app):
    assert not no_store(app.test_client().get("/api/bundles"))
    assert not no_store(app.test_client().get("/"))


# The last active administrator.

def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def make_admin(client, username: str) -> int:
    response = client.post("/api/users", headers=client.staff.headers("admin"), json={
        "username": username, "display_name": username, "password": "a long password 1",
        "role": "admin"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def active(app, username: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(User.active).where(User.username == username))


def test_the_last_active_administrator_cannot_be_deactivated(client, app):
    admin = client.staff.headers("admin")
    response = client.patch(f"/api/users/{user_id(app, 'admin')}", json={"active": False},
                            headers=admin)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "last active administrator" in response.get_json()["detail"]
    assert active(app, "admin")


def test_an_administrator_can_go_while_another_stays(client, app):
    admin = client.staff.headers("admin")
    second = make_admin(client, "second.admin")
    assert client.patch(f"/api/users/{second}", json={"active": False},
                        headers=admin).status_code == 200
    # An inactive administrator does not count: the first is the last again.
    assert client.patch(f"/api/users/{user_id(app, 'admin')}", json={"active": False},
                        headers=admin).status_code == 409
    assert client.patch(f"/api/users/{second}", json={"active": True},
                        headers=admin).status_code == 200
    assert client.patch(f"/api/users/{user_id(app, 'admin')}", json={"active": False},
                        headers=admin).status_code == 200
    assert not active(app, "admin") and active(app, "second.admin")


def deactivate_each_other(app, pair: tuple[int, int], secrets: dict[int, str]) -> list[int]:
    """Each of the two administrators deactivates the other, at the same instant."""
    barrier = threading.Barrier(2)
    statuses = []

    def deactivate(actor: int, target: int) -> None:
        with app.test_client() as own:
            barrier.wait()
            statuses.append(own.patch(f"/api/users/{target}", json={"active": False},
                                      headers={"Authorization": f"Bearer {secrets[actor]}"})
                            .status_code)

    threads = [threading.Thread(target=deactivate, args=(actor, target))
               for actor, target in (pair, pair[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@postgresql_only
def test_two_administrators_deactivating_each_other_at_once_leave_one(client, app):
    pairs = [(make_admin(client, f"first{round_}"), make_admin(client, f"second{round_}"))
             for round_ in range(5)]
    for pair in pairs:
        # Only these two are active, each with a token of their own.
        with app.app_context():
            for user in db.session.scalars(select(User).where(User.role == "admin")):
                user.active = user.id in pair
            secrets = {user_id: issue_token(db.session.get(User, user_id), "race")[1]
                       for user_id in pair}
            db.session.commit()
        statuses = deactivate_each_other(app, pair, secrets)
        # The loser is refused (409), or finds its own account already gone (401).
        assert sorted(statuses) in ([200, 401], [200, 409]), statuses
        with app.app_context():
            assert sum(db.session.get(User, user_id).active for user_id in pair) == 1


# The bearer scheme (RFC 9110, 11.1: case-insensitive).

@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_the_bearer_scheme_is_case_insensitive(client, app, scheme):
    staff_token = client.staff.tokens["clerk"]
    response = app.test_client().get("/api/tokens",
                                     headers={"Authorization": f"{scheme} {staff_token}"})
    assert response.status_code == 200
    created = create(client)
    session = app.test_client().post("/api/citizen/session", json={
        "number": created["number"], "query_code": created["query_code"]}).get_json()
    mine = app.test_client().get("/api/citizen/application",
                                 headers={"Authorization": f"{scheme} {session['token']}"})
    assert mine.status_code == 200 and mine.get_json()["number"] == created["number"]


@pytest.mark.parametrize("header", ["Bearerx {token}", "Basic {token}", "Token {token}",
                                    "{token}", "Bearer"])
def test_other_schemes_are_not_bearer(client, app, header):
    value = header.format(token=client.staff.tokens["clerk"])
    response = app.test_client().get("/api/tokens", headers={"Authorization": value})
    assert response.status_code == 401
