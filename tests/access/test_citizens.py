"""Applicants: a session by application number and query code, rate limited; then their own
application alone, masked, without staff names; supplement and withdraw, nothing else."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import text

from service.access.citizens import TOKEN_PREFIX
from service.core.database import db
from tests.db_counts import counts
from tests.factories import application_payload, create, fire

SESSION = "/api/citizen/session"
MINE = "/api/citizen/application"
TRANSITIONS = "/api/citizen/application/transitions"


def open_session(app, number: str, query_code: str):
    return app.test_client().post(SESSION, json={"number": number, "query_code": query_code})


def citizen(app, created: dict):
    """A client holding only the applicant's token."""
    response = open_session(app, created["number"], created["query_code"])
    assert response.status_code == 200, response.get_json()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {response.get_json()['token']}"
    return client


def wrong(code: str) -> str:
    return ("2" if code[0] != "2" else "3") + code[1:]


def test_number_and_code_open_a_session(client, app):
    created = create(client)
    response = open_session(app, created["number"], created["query_code"].lower())
    assert response.status_code == 200
    body = response.get_json()
    assert body["token"].startswith(TOKEN_PREFIX) and body["expires_in"] == 3600


def test_wrong_code_and_wrong_number_answer_alike(client, app):
    created = create(client)
    wrong_code = open_session(app, created["number"], wrong(created["query_code"]))
    wrong_number = open_session(app, "20990101000001", created["query_code"])
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.get_json() == wrong_number.get_json()
    assert "token" not in wrong_code.get_json()


def test_successes_do_not_count_towards_the_lockout(client, app):
    created = create(client)
    for _ in range(4):
        open_session(app, created["number"], wrong(created["query_code"]))
    for _ in range(3):
        assert open_session(app, created["number"], created["query_code"]).status_code == 200


def test_eleventh_attempt_in_a_minute_from_one_client_is_429(client, app):
    # Right or wrong: wrong ones lock the client out sooner (tests/access/test_lockout.py).
    created = create(client)
    for _ in range(10):
        assert open_session(app, created["number"], created["query_code"]).status_code == 200
    assert open_session(app, created["number"], created["query_code"]).status_code == 429


def test_citizen_reads_only_their_own_application(client, app):
    mine, theirs = create(client), create(client)
    applicant = citizen(app, mine)
    response = applicant.get(MINE)
    assert response.status_code == 200
    assert response.get_json()["number"] == mine["number"]
    for url in (f"/api/applications/{theirs['number']}", f"/api/applications/{mine['number']}",
                "/api/applications", "/api/tokens", f"/api/applications/{mine['number']}/"
                "transitions"):
        refused = applicant.get(url)
        assert refused.status_code == 401, url
        assert "WWW-Authenticate" in refused.headers


def test_citizen_token_expires_after_an_hour(client, app):
    applicant = citizen(app, create(client))
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=59), tick=False):
        assert applicant.get(MINE).status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=61), tick=False):
        assert applicant.get(MINE).status_code == 401


def test_citizen_view_masks_personal_data_and_staff_names(client, app):
    created = create(client, materials=["parent_id_cards", "birth_medical_record"])
    fire(client, created["number"], "request_correction", reason="缺少照片")
    body = citizen(app, created).get(MINE).get_json()
    id_number = created["applicant"]["id_number"]
    assert body["applicant"]["id_number"] == id_number[:6] + "*" * 8 + id_number[-4:]
    assert body["contact_phone"] == "138****8000"
    assert id_number not in str(body) and "13800138000" not in str(body)
    assert [(event["trigger"], event["actor"]) for event in body["history"]] == [
        ("submit", "staff"), ("request_correction", "staff")]
    assert body["history"][1]["reason"] == "缺少照片"
    assert "query_code" not in body


def test_citizen_view_hides_the_extension_approver(client, app):
    created = create(client, "company_closure")
    fire(client, created["number"], "accept")
    fire(client, created["number"], "extend", "tax_deregistration", reason="需要调查",
         data={"days": 3})
    history = citizen(app, created).get(MINE).get_json()["history"]
    extended = next(event for event in history if event["trigger"] == "extend")
    assert extended["actor"] == "staff"
    assert "supervisor" not in str(history)


def test_citizen_supplements_then_withdraws_as_citizen(client, app):
    created = create(client, materials=["parent_id_cards", "birth_medical_record"])
    number = created["number"]
    fire(client, number, "request_correction", reason="缺少照片")
    applicant = citizen(app, created)

    body = applicant.post(TRANSITIONS, json={"trigger": "supplement",
                                             "data": {"materials": ["child_photo"]}})
    assert body.status_code == 200, body.get_json()
    assert body.get_json()["state"] == "submitted"
    assert body.get_json()["materials_missing"] == []

    body = applicant.post(TRANSITIONS, json={"trigger": "withdraw", "reason": "不办了"})
    assert body.status_code == 200, body.get_json()
    assert body.get_json()["state"] == "withdrawn"

    history = client.get(f"/api/applications/{number}").get_json()["history"]
    actors = {event["trigger"]: event["actor"] for event in history}
    assert actors["supplement"] == actors["withdraw"] == "citizen"
    assert actors["request_correction"] == "clerk"


@pytest.mark.parametrize("trigger", ["accept", "refuse", "deliver", "approve", "extend"])
def test_citizen_cannot_fire_staff_triggers(client, app, trigger):
    created = create(client)
    applicant = citizen(app, created)
    before = counts(app)
    response = applicant.post(TRANSITIONS, json={"trigger": trigger, "reason": "x"})
    assert response.status_code == 422
    assert "trigger" in response.get_json()["detail"]
    assert counts(app) == before


def test_citizen_cannot_aim_at_an_item(client, app):
    applicant = citizen(app, create(client))
    response = applicant.post(TRANSITIONS, json={"trigger": "withdraw",
                                                 "item": "birth_registration"})
    assert response.status_code == 422


def test_citizen_trigger_not_allowed_now_is_409_and_writes_nothing(client, app):
    created = create(client)
    applicant = citizen(app, created)
    before = counts(app)
    response = applicant.post(TRANSITIONS, json={"trigger": "supplement",
                                                 "data": {"materials": ["child_photo"]}})
    assert response.status_code == 409
    assert counts(app) == before


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: token.replace(TOKEN_PREFIX, TOKEN_PREFIX + "x", 1),
    lambda token: TOKEN_PREFIX + "eyJub3QiOiJzaWduZWQifQ",
    lambda token: token[len(TOKEN_PREFIX):],
], ids=["signature", "payload", "unsigned", "no-prefix"])
def test_tampered_citizen_token_is_401(client, app, tamper):
    created = create(client)
    token = open_session(app, created["number"], created["query_code"]).get_json()["token"]
    for url in (MINE, f"/api/applications/{created['number']}"):
        response = app.test_client().get(url, headers={"Authorization": f"Bearer {tamper(token)}"})
        assert response.status_code == 401, url


def test_query_codes_are_stored_hashed(client, app):
    created = create(client)
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM applications")).mappings().all()
    stored = " ".join(str(value) for row in rows for value in row.values())
    assert created["query_code"] not in stored
    assert created["query_code"].lower() not in stored


def test_anonymous_online_application_is_recorded_as_the_citizens(client, app):
    payload = application_payload(app, channel="online")
    response = app.test_client().post("/api/applications", json=payload)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["channel"] == "online" and len(body["query_code"]) == 10
    assert [event["actor"] for event in body["history"]] == ["citizen"]
    assert "*" in body["applicant"]["id_number"]  # the anonymous answer is the citizen view
    # The query code it got opens the applicant's session.
    assert citizen(app, body).get(MINE).get_json()["number"] == body["number"]


def test_anonymous_window_application_is_403_and_writes_nothing(client, app):
    before = counts(app)
    response = app.test_client().post("/api/applications", json=application_payload(app))
    assert response.status_code == 403
    assert counts(app) == before


def test_citizen_token_cannot_record_a_window_application(client, app):
    applicant = citizen(app, create(client))
    before = counts(app)
    response = applicant.post("/api/applications", json=application_payload(app))
    assert response.status_code == 403
    assert counts(app) == before
