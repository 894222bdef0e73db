"""Drafts: a clerk saves what an applicant has given so far, finishes it later, submits it with
every rule of its bundle; a draft is its owner's alone and expires."""

from datetime import UTC, datetime, timedelta

import time_machine

from service.access.models import User
from service.access.operations import issue_token
from service.core.database import db
from tests.factories import application_payload

DRAFTS = "/api/drafts"


def _second_clerk(app) -> dict:
    with app.app_context():
        user = User(username="clerk2", display_name="Clerk 2", role="clerk", password_hash="!")
        db.session.add(user)
        db.session.flush()
        secret = issue_token(user, "tests")[1]
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_a_draft_is_saved_partial_finished_later_and_submitted_once(client, app):
    full = application_payload(app, "newborn")
    saved = client.post(DRAFTS, json={"bundle": "newborn", "content": {"form": full["form"]}})
    assert saved.status_code == 201, saved.get_json()
    draft = saved.get_json()
    assert saved.headers["Location"].endswith(f"{DRAFTS}/{draft['id']}")
    assert [row["id"] for row in client.get(DRAFTS).get_json()] == [draft["id"]]

    early = client.post(f"{DRAFTS}/{draft['id']}/submit")
    assert early.status_code == 422
    assert set(early.get_json()["errors"]) == {"applicant", "contact_phone"}

    content = {key: full[key] for key in ("applicant", "contact_phone", "form", "materials")}
    assert client.put(f"{DRAFTS}/{draft['id']}",
                      json={"bundle": "newborn", "content": content}).status_code == 200
    submitted = client.post(f"{DRAFTS}/{draft['id']}/submit")
    assert submitted.status_code == 201, submitted.get_json()
    body = submitted.get_json()
    assert body["state"] == "submitted" and body["query_code"]
    assert client.get(f"/api/applications/{body['number']}").status_code == 200
    assert client.get(f"{DRAFTS}/{draft['id']}").status_code == 404
    assert client.post(f"{DRAFTS}/{draft['id']}/submit").status_code == 404


def test_a_draft_that_breaks_its_bundles_rules_stays_a_draft(client, app):
    content = {**{key: application_payload(app, "newborn")[key]
                  for key in ("applicant", "contact_phone", "materials")}, "form": {}}
    draft = client.post(DRAFTS, json={"bundle": "newborn", "content": content}).get_json()
    refused = client.post(f"{DRAFTS}/{draft['id']}/submit")
    assert refused.status_code == 422 and "form" in refused.get_json()["detail"]
    assert client.get(f"{DRAFTS}/{draft['id']}").status_code == 200


def test_a_draft_is_its_owners_alone(client, app):
    draft = client.post(DRAFTS, json={"bundle": "newborn"}).get_json()
    other = _second_clerk(app)
    assert client.get(f"{DRAFTS}/{draft['id']}", headers=other).status_code == 404
    assert client.delete(f"{DRAFTS}/{draft['id']}", headers=other).status_code == 404
    assert client.get(DRAFTS, headers=other).get_json() == []
    reviewer = client.staff.headers("reviewer")
    assert client.get(DRAFTS, headers=reviewer).status_code == 403
    assert client.delete(f"{DRAFTS}/{draft['id']}").status_code == 204
    assert client.get(DRAFTS).get_json() == []


def test_a_draft_expires_thirty_days_after_it_was_last_saved(client):
    start = datetime(2026, 11, 2, 2, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        draft = client.post(DRAFTS, json={"bundle": "newborn"}).get_json()
    with time_machine.travel(start + timedelta(days=29), tick=False):
        assert client.put(f"{DRAFTS}/{draft['id']}", json={"bundle": "newborn"}).status_code == 200
    with time_machine.travel(start + timedelta(days=58), tick=False):
        assert client.get(f"{DRAFTS}/{draft['id']}").status_code == 200  # renewed on day 29
    with time_machine.travel(start + timedelta(days=60), tick=False):
        assert client.get(f"{DRAFTS}/{draft['id']}").status_code == 404
        assert client.get(DRAFTS).get_json() == []


def test_a_draft_for_an_unknown_bundle_or_of_a_wrong_shape_is_refused(client):
    unknown = client.post(DRAFTS, json={"bundle": "no_such_bundle"})
    assert unknown.status_code == 422 and "bundle" in unknown.get_json()["errors"]
    wrong = client.post(DRAFTS, json={"bundle": "newborn", "content": {"materials": "x"}})
    assert wrong.status_code == 422
    assert client.get(DRAFTS).get_json() == []


def test_purge_deletes_only_the_expired_drafts(client, runner):
    start = datetime(2026, 11, 2, 2, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        client.post(DRAFTS, json={"bundle": "newborn"})
    with time_machine.travel(start + timedelta(days=20), tick=False):
        kept = client.post(DRAFTS, json={"bundle": "newborn"}).get_json()
    with time_machine.travel(start + timedelta(days=31), tick=False):
        result = runner.invoke(args=["drafts", "purge"])
        assert result.exit_code == 0 and "1 expired draft(s) deleted" in result.output
        assert [row["id"] for row in client.get(DRAFTS).get_json()] == [kept["id"]]
