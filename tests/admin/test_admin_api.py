"""The administrators' API for what the console does: accounts' roles and departments and
passwords, retiring a bundle, the difference between two versions, the outbox."""

import copy

from service.catalog.operations import publish
from service.core.database import db
from tests.conftest import PASSWORD
from tests.factories import application_payload


def admin_headers(client):
    return client.staff.headers("admin")


def user_id(client, username) -> int:
    users = client.get("/api/users", headers=admin_headers(client)).get_json()
    return next(user["id"] for user in users if user["username"] == username)


def test_an_account_changes_role_and_departments_and_gets_a_new_password(client):
    reviewer = user_id(client, "reviewer")
    changed = client.patch(f"/api/users/{reviewer}", headers=admin_headers(client),
                           json={"role": "supervisor", "departments": ["tax", "health"]})
    assert changed.status_code == 200
    assert changed.get_json()["role"] == "supervisor"
    assert changed.get_json()["departments"] == ["health", "tax"]
    clerk_without_departments = client.patch(
        f"/api/users/{reviewer}", headers=admin_headers(client), json={"role": "clerk"})
    assert clerk_without_departments.get_json()["departments"] == []
    refused = client.patch(f"/api/users/{reviewer}", headers=admin_headers(client),
                           json={"role": "reviewer", "departments": []})
    assert refused.status_code == 422 and "departments" in refused.get_json()["errors"]
    me = user_id(client, "admin")
    last = client.patch(f"/api/users/{me}", headers=admin_headers(client), json={"role": "clerk"})
    assert last.status_code == 409
    reset = client.post(f"/api/users/{reviewer}/password", headers=admin_headers(client))
    assert reset.status_code == 201 and reset.headers["Cache-Control"] == "no-store"
    assert len(reset.get_json()["password"]) >= 12 and reset.get_json()["password"] != PASSWORD
    assert client.post(f"/api/users/{reviewer}/password").status_code == 403  # the clerk


def test_retire_a_bundle_and_compare_two_versions(app, client, loaded):
    retired = client.put("/api/bundles/restaurant/retired", headers=admin_headers(client),
                         json={"retired": True})
    assert retired.status_code == 200 and retired.get_json()["retired_at"]
    refused = client.post("/api/applications", json=application_payload(app, "restaurant"))
    assert refused.status_code == 422
    client.put("/api/bundles/restaurant/retired", headers=admin_headers(client),
               json={"retired": False})
    assert client.post("/api/applications",
                       json=application_payload(app, "restaurant")).status_code == 201
    assert client.put("/api/bundles/restaurant/retired", json={"retired": True}).status_code == 403

    changed = copy.deepcopy(loaded)
    changed.bundles["restaurant"]["limits"]["committed"] += 1
    with app.app_context():
        publish(changed)
        db.session.commit()
    diff = client.get("/api/bundles/restaurant/diff?from=1&to=2").get_json()
    assert [(each["part"], each["change"]) for each in diff] == [("limits", "changed")]
    assert client.get("/api/bundles/restaurant/diff?from=1&to=9").status_code == 404
    assert client.get("/api/bundles/restaurant/diff?from=1").status_code == 422


def test_the_outbox_is_for_administrators(client):
    assert client.get("/api/outbox", headers=admin_headers(client)).get_json() == []
    assert client.get("/api/outbox").status_code == 403
