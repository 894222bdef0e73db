"""Every bad request gets a 4xx problem document naming what was wrong, and writes nothing."""

import pytest

from tests.db_counts import counts
from tests.factories import application_payload, create, fire

PROBLEM = "application/problem+json"


def _without(payload: dict, *path: str) -> dict:
    target = payload
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return payload


CREATE_CASES = {
    "unknown bundle": (lambda p: {**p, "bundle": "moon_landing"}, 422, "bundle"),
    "bad resident ID checksum": (
        lambda p: {**p, "applicant": {**p["applicant"], "id_number": "430121199003070010"}},
        422, "applicant.id_number"),
    "resident ID too short": (
        lambda p: {**p, "applicant": {**p["applicant"], "id_number": "43012119900307"}},
        422, "applicant.id_number"),
    "company for a personal bundle": (
        lambda p: {**p, "applicant": {**p["applicant"], "kind": "company"}},
        422, "applicant.kind"),
    "missing form answer": (lambda p: _without(p, "form", "child_name"), 422, "form.child_name"),
    "unknown form field": (lambda p: {**p, "form": {**p["form"], "shoe_size": "42"}},
                           422, "form.shoe_size"),
    "choice outside its list": (lambda p: {**p, "form": {**p["form"], "child_sex": "X"}},
                                422, "form.child_sex"),
    "not a date": (lambda p: {**p, "form": {**p["form"], "child_birth_date": "昨天"}},
                   422, "form.child_birth_date"),
    "unknown material": (lambda p: {**p, "materials": ["parent_id_cards", "passport"]},
                         422, "materials[1]"),
    "bad phone": (lambda p: {**p, "contact_phone": "12345"}, 422, "contact_phone"),
    "missing applicant": (lambda p: _without(p, "applicant"), 422, "applicant"),
    "unknown channel": (lambda p: {**p, "channel": "fax"}, 422, "channel"),
    "unknown top-level key": (lambda p: {**p, "priority": "vip"}, 422, "priority"),
    "form not an object": (lambda p: {**p, "form": ["a"]}, 422, "form"),
}


@pytest.mark.parametrize("case", CREATE_CASES, ids=list(CREATE_CASES))
def test_bad_creation_is_refused_naming_the_field_and_writes_nothing(client, app, case):
    change, status, field = CREATE_CASES[case]
    before = counts(app)
    response = client.post("/api/applications", json=change(application_payload(app)))
    body = response.get_json()
    assert response.status_code == status, body
    assert response.mimetype == PROBLEM
    assert body["status"] == status and body["type"] and body["title"]
    assert field in body["detail"]
    assert counts(app) == before


def test_bad_credit_code_is_refused(client, app):
    payload = application_payload(app, "company_closure")
    payload["applicant"]["id_number"] = payload["applicant"]["id_number"][:-1] + (
        "0" if payload["applicant"]["id_number"][-1] != "0" else "1")
    before = counts(app)
    response = client.post("/api/applications", json=payload)
    assert response.status_code == 422
    assert "applicant.id_number" in response.get_json()["detail"]
    assert counts(app) == before


@pytest.mark.parametrize("body", [b'{"bundle": "newborn",', b"not json at all", b"[1, 2"])
def test_malformed_json_is_a_400_problem(client, app, body):
    before = counts(app)
    response = client.post("/api/applications", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert "JSON" in response.get_json()["detail"]
    assert counts(app) == before


TRIGGER_CASES = {
    "unknown trigger": ({"trigger": "teleport"}, 422, "trigger"),
    "system trigger": ({"trigger": "conclude"}, 422, "trigger"),
    "unknown item": ({"trigger": "approve", "item": "flying_licence"}, 422, "item"),
    "item on an application trigger": (
        {"trigger": "accept", "item": "birth_registration"}, 422, "item"),
    "item trigger without item": ({"trigger": "approve"}, 422, "item"),
    "refusal without reason": ({"trigger": "refuse"}, 422, "reason"),
    "blank reason": ({"trigger": "refuse", "reason": "   "}, 422, "reason"),
    "unknown data key": ({"trigger": "accept", "data": {"fast": True}}, 422, "data.fast"),
    "unknown material in a notice": (
        {"trigger": "request_correction", "data": {"missing": ["unicorn"]}}, 422,
        "data.missing[0]"),
    "unknown key": ({"trigger": "accept", "when": "now"}, 422, "when"),
}


@pytest.mark.parametrize("case", TRIGGER_CASES, ids=list(TRIGGER_CASES))
def test_bad_trigger_is_refused_naming_the_field_and_changes_nothing(client, app, case):
    payload, status, field = TRIGGER_CASES[case]
    number = create(client)["number"]
    before = counts(app)
    response = client.post(f"/api/applications/{number}/transitions", json=payload)
    body = response.get_json()
    assert response.status_code == status, body
    assert response.mimetype == PROBLEM
    assert field in body["detail"]
    assert counts(app) == before
    assert client.get(f"/api/applications/{number}").get_json()["state"] == "submitted"


def test_trigger_on_unknown_application_is_404(client, app):
    response = client.post("/api/applications/20990101000001/transitions",
                           json={"trigger": "accept"})
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert "20990101000001" in response.get_json()["detail"]


def test_refused_transition_writes_nothing(client, app):
    number = create(client)["number"]
    before = counts(app)
    fire(client, number, "deliver", expect=409)
    assert counts(app) == before


def test_unknown_routes_and_methods_are_problems_too(client):
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    wrong = client.delete("/api/bundles")
    assert wrong.status_code == 405 and wrong.mimetype == PROBLEM
