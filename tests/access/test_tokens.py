"""Staff bearer tokens: missing, unknown, expired, revoked, of a deactivated account, of the
wrong role; listed per owner, shown once, stored as their SHA-256 alone."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from service.access.models import ApiToken, User
from service.access.operations import issue_token
from service.applications.models import Application, ApplicationItem
from service.catalog.models import Department
from service.core.database import db
from tests.db_counts import counts, statements_sent
from tests.factories import application_payload, create


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def new_token(client, role: str, name: str, days: int = 90) -> dict:
    response = client.post("/api/tokens", json={"name": name, "days": days},
                           headers=client.staff.headers(role))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def access_rows(app) -> dict[str, int]:
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (User, ApiToken)}


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_token_is_a_401_problem_with_www_authenticate(app, staff):
    assert_unauthorized(app.test_client().get("/api/tokens"))
    assert_unauthorized(app.test_client().get("/api/applications"))


@pytest.mark.parametrize("header", [
    "Bearer ot_not-a-token-we-issued", "Bearer ", "Bearer", "Basic Y2xlcms6cGFzc3dvcmQ=",
    "Token ot_abc", "bearer ot_abc", "Bearer ot_" + "x" * 5000,
])
def test_malformed_or_unknown_token_is_401(app, staff, header):
    assert_unauthorized(app.test_client().get("/api/tokens",
                                              headers={"Authorization": header}))


def test_an_issued_token_differs_by_one_character_is_401(app, staff):
    secret = staff.tokens["clerk"]
    forged = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert_unauthorized(app.test_client().get("/api/tokens", headers=bearer(forged)))


def test_expired_token_is_401(app, staff):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "clerk"))
        _, secret = issue_token(user, "short-lived", days=1)
        db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get("/api/tokens", headers=bearer(secret)).status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2), tick=False):
        assert_unauthorized(anonymous.get("/api/tokens", headers=bearer(secret)))
        # The long-lived fixture token still works at that time: the clock, not the app, moved.
        assert anonymous.get("/api/tokens", headers=staff.headers("clerk")).status_code == 200


def test_revoked_token_is_401_and_listed_with_revoked_at(client, app):
    token = new_token(client, "clerk", "laptop")
    assert client.get("/api/tokens", headers=bearer(token["token"])).status_code == 200

    assert client.delete(f"/api/tokens/{token['id']}").status_code == 204
    assert_unauthorized(client.get("/api/tokens", headers=bearer(token["token"])))
    listed = {row["id"]: row for row in client.get("/api/tokens").get_json()}
    assert listed[token["id"]]["revoked_at"] is not None
    assert all(row["revoked_at"] is None for key, row in listed.items() if key != token["id"])
    # Revoking twice, or a token that does not exist, changes nothing.
    assert client.delete(f"/api/tokens/{token['id']}").status_code == 204
    assert client.delete("/api/tokens/999999").status_code == 404


def test_tokens_are_stored_as_their_sha256_only(client, app):
    secret = new_token(client, "clerk", "stored")["token"]
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM api_tokens")).mappings().all()
    stored = [str(value) for row in rows for value in row.values()]
    assert not any(secret in value for value in stored)
    assert not any(secret[10:30] in value for value in stored)  # no part past the prefix
    assert hashlib.sha256(secret.encode()).hexdigest() in stored


def test_deactivated_users_tokens_stop_working_and_come_back_with_it(client, app):
    reviewer = user_id(app, "reviewer")
    admin = client.staff.headers("admin")
    response = client.patch(f"/api/users/{reviewer}", json={"active": False}, headers=admin)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert_unauthorized(client.get("/api/tokens", headers=client.staff.headers("reviewer")))
    assert_unauthorized(client.get("/api/applications", headers=client.staff.headers("reviewer")))

    client.patch(f"/api/users/{reviewer}", json={"active": True}, headers=admin)
    assert client.get("/api/tokens", headers=client.staff.headers("reviewer")).status_code == 200


@pytest.mark.parametrize(("role", "method", "url"), [
    ("reviewer", "GET", "/api/stats"),
    ("clerk", "GET", "/api/calendar"),
    ("clerk", "GET", "/api/users"),
    ("supervisor", "POST", "/api/users"),
])
def test_token_of_the_wrong_role_is_403(client, role, method, url):
    response = client.open(url, method=method, headers=client.staff.headers(role),
                           json={} if method == "POST" else None)
    assert response.status_code == 403
    assert role in response.get_json()["detail"]
    assert "WWW-Authenticate" not in response.headers


def test_admin_firing_a_trigger_is_403_and_writes_nothing(client, app):
    number = create(client)["number"]
    before = counts(app)
    response = client.post(f"/api/applications/{number}/transitions",
                           json={"trigger": "accept"}, headers=client.staff.headers("admin"))
    assert response.status_code == 403
    assert counts(app) == before
    assert client.get(f"/api/applications/{number}").get_json()["state"] == "submitted"


def test_refused_requests_write_nothing(client, app):
    number = create(client)["number"]
    before, access_before = counts(app), access_rows(app)
    anonymous = app.test_client()
    unknown = bearer("ot_unknown")
    refused = [
        anonymous.post("/api/tokens", json={"name": "x"}, headers=unknown),
        anonymous.post("/api/applications", json=application_payload(app), headers=unknown),
        anonymous.post(f"/api/applications/{number}/transitions", json={"trigger": "accept"},
                       headers=unknown),
        anonymous.post("/api/users", json={"username": "mallory", "display_name": "M",
                                           "password": "x" * 12, "role": "admin"},
                       headers=client.staff.headers("clerk")),
        anonymous.patch(f"/api/users/{user_id(app, 'admin')}", json={"active": False},
                        headers=client.staff.headers("supervisor")),
        anonymous.delete("/api/tokens/1", headers=unknown),
    ]
    assert [response.status_code for response in refused] == [401, 403, 401, 403, 403, 401]
    assert counts(app) == before and access_rows(app) == access_before
    assert client.get("/api/users", headers=client.staff.headers("admin")).status_code == 200


def test_token_list_holds_only_your_own(client, app):
    new_token(client, "clerk", "clerk-laptop")
    clerk = [row["name"] for row in client.get("/api/tokens").get_json()]
    reviewer = client.get("/api/tokens", headers=client.staff.headers("reviewer")).get_json()
    assert sorted(clerk) == ["clerk-laptop", "tests"]
    assert [row["name"] for row in reviewer] == ["tests"]
    assert {row["id"] for row in reviewer}.isdisjoint(
        {row["id"] for row in client.get("/api/tokens").get_json()})


def test_someone_elses_token_cannot_be_revoked(client, app):
    mine = new_token(client, "clerk", "mine")
    response = client.delete(f"/api/tokens/{mine['id']}",
                             headers=client.staff.headers("reviewer"))
    assert response.status_code == 404
    assert client.get("/api/tokens", headers=bearer(mine["token"])).status_code == 200


def test_new_token_secret_is_shown_once_and_carries_your_role(client):
    response = client.post("/api/tokens", json={"name": "script", "days": 7},
                           headers=client.staff.headers("reviewer"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("ot_") and body["prefix"] == body["token"][:10]
    expires = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(
        body["created_at"])
    assert expires == timedelta(days=7)
    listed = client.get("/api/tokens", headers=bearer(body["token"])).get_json()
    assert all("token" not in row for row in listed)
    assert body["token"] not in str(listed)
    assert client.get("/api/stats", headers=bearer(body["token"])).status_code == 403


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x", "days": 0},
                                     {"name": "x", "days": 367}, {"name": "x", "role": "admin"}])
def test_invalid_token_requests_are_422_and_issue_nothing(client, app, payload):
    before = access_rows(app)
    assert client.post("/api/tokens", json=payload).status_code == 422
    assert access_rows(app) == before


# --- A worker trusts a token it checked lately (service/access/recent_tokens.py) --------------


def token_lookups(statements) -> int:
    return sum("FROM api_tokens" in statement for statement, _ in statements)


def test_a_token_checked_lately_is_not_looked_up_again(client, app):
    headers = client.staff.headers("reviewer")
    with statements_sent(app) as statements:
        for _ in range(3):
            assert client.get("/api/applications", headers=headers).status_code == 200
    assert token_lookups(statements) == 1


def test_with_the_cache_off_every_request_looks_its_token_up(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_CACHE_SECONDS", 0)
    headers = client.staff.headers("reviewer")
    with statements_sent(app) as statements:
        for _ in range(3):
            assert client.get("/api/applications", headers=headers).status_code == 200
    assert token_lookups(statements) == 3


def test_a_changed_role_or_department_holds_from_the_next_request(client, app):
    reviewer, admin = user_id(app, "reviewer"), client.staff.headers("admin")
    created = create(client, "company_closure")
    number, headers = created["number"], client.staff.headers("reviewer")
    assert client.get(f"/api/applications/{number}", headers=headers).status_code == 200
    with app.app_context():
        theirs = select(ApplicationItem.department_code).join(Application).where(
            Application.number == number)
        elsewhere = db.session.scalar(select(Department.code).where(Department.code.not_in(theirs)))
    response = client.patch(f"/api/users/{reviewer}", headers=admin,
                            json={"departments": [elsewhere]})
    assert response.status_code == 200, response.get_json()
    # Not one of the closure's departments any more: the application is out of sight.
    assert client.get(f"/api/applications/{number}", headers=headers).status_code == 404
