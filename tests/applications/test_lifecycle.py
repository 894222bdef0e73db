from tests.factories import BASIS, application_payload, approval, create, decide, fire

NEWBORN_ITEMS = ["birth_medical_certificate", "birth_registration", "newborn_medical_insurance",
                 "social_security_card", "vaccination_certificate"]


def states(body: dict) -> dict:
    return {item["code"]: item["state"] for item in body["items"]}


def test_creation_answers_201_with_number_query_code_and_location(client):
    response = client.post("/api/applications", json=application_payload(client.application))
    body = response.get_json()
    assert response.status_code == 201
    assert len(body["number"]) == 14 and body["number"].isdigit()
    assert len(body["query_code"]) == 10
    assert response.headers["Location"].endswith(f"/api/applications/{body['number']}")
    assert body["state"] == "submitted"
    assert set(states(body).values()) == {"pending"}
    assert [event["trigger"] for event in body["history"]] == ["submit"]


def test_query_code_is_shown_once_and_stored_hashed(client):
    created = create(client)
    shown = client.get(f"/api/applications/{created['number']}").get_json()
    assert "query_code" not in shown
    with client.application.app_context():
        from service.applications.operations import get_application

        stored = get_application(created["number"]).query_code_hash
    assert created["query_code"] not in stored and stored.startswith("pbkdf2:")


def test_personal_data_is_shown_to_the_clerk_and_masked_for_departments(client):
    created = create(client)
    assert created["applicant"]["id_number"].count("*") == 0
    assert created["contact_phone"] == "13800138000"
    seen = client.get(f"/api/applications/{created['number']}",
                      headers=client.staff.headers("supervisor")).get_json()
    assert seen["applicant"]["id_number"].count("*") == 8
    assert seen["contact_phone"] == "138****8000"


def test_numbers_count_up_within_a_day(client):
    first, second = create(client), create(client)
    assert int(second["number"]) == int(first["number"]) + 1


def test_newborn_from_creation_to_delivery(client):
    number = create(client)["number"]
    body = fire(client, number, "accept")
    assert body["state"] == "processing"
    # Only the item without a prerequisite opens; the others wait for it.
    assert states(body) == {"birth_medical_certificate": "open", "birth_registration": "pending",
                            "newborn_medical_insurance": "pending",
                            "social_security_card": "pending",
                            "vaccination_certificate": "pending"}
    decide(client, number, "birth_medical_certificate")
    body = decide(client, number, "birth_registration")
    # Its three dependants open together, in parallel.
    assert [states(body)[code] for code in NEWBORN_ITEMS[2:]] == ["open"] * 3
    for code in NEWBORN_ITEMS[2:]:
        body = decide(client, number, code)
    assert body["state"] == "concluded" and body["outcome"] == "approved"
    body = fire(client, number, "deliver", data={"method": "electronic"})
    assert body["state"] == "delivered" and body["delivery_method"] == "electronic"

    history = body["history"]
    assert history[0]["trigger"] == "submit"
    assert history[1] == {**history[1], "trigger": "accept", "item": None,
                          "from": "submitted", "to": "processing", "actor": "clerk"}
    concluded = [event for event in history if event["trigger"] == "conclude"]
    assert len(concluded) == 1 and concluded[0]["actor"] == "system"
    assert history[-1]["trigger"] == "deliver"


def test_denied_prerequisite_cancels_its_dependants_and_concludes(client):
    number = create(client, "company_closure")["number"]
    fire(client, number, "accept")
    decide(client, number, "tax_deregistration")
    body = decide(client, number, "company_deregistration", approve=False, reason="清算报告未确认")
    assert states(body) == {"tax_deregistration": "approved", "company_deregistration": "denied",
                            "social_insurance_deregistration": "cancelled",
                            "customs_record_cancellation": "cancelled",
                            "seal_deregistration": "cancelled", "bank_account_closure": "cancelled"}
    assert body["state"] == "concluded" and body["outcome"] == "partly_approved"
    denied = next(item for item in body["items"] if item["code"] == "company_deregistration")
    assert denied["reason"] == "清算报告未确认"


def test_first_item_denied_concludes_denied(client):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    body = decide(client, number, "business_establishment", approve=False)
    assert body["state"] == "concluded" and body["outcome"] == "denied"
    assert set(states(body).values()) == {"denied", "cancelled"}


def test_correction_notice_lists_every_missing_material_then_supplement_returns_to_intake(
        client):
    number = create(client, materials=["parent_id_cards", "birth_medical_record"])["number"]
    allowed = client.get(f"/api/applications/{number}/transitions").get_json()["allowed"]
    assert allowed["application"] == ["request_correction", "refuse", "withdraw"]
    conflict = fire(client, number, "accept", expect=409)
    assert "child_photo" in conflict["detail"]

    body = fire(client, number, "request_correction", reason="材料不全")
    assert body["state"] == "correction"
    assert body["materials_missing"] == ["child_photo"]

    body = fire(client, number, "supplement", data={"materials": ["child_photo"]})
    assert body["state"] == "submitted" and body["materials_missing"] == []
    assert "child_photo" in body["materials_handed_in"]
    assert fire(client, number, "accept")["state"] == "processing"


def test_correction_with_nothing_missing_is_refused(client):
    number = create(client)["number"]
    body = fire(client, number, "request_correction", expect=422)
    assert "data.missing" in body["detail"]


def test_refusal_needs_a_reason_and_its_basis_and_ends_the_application(client):
    number = create(client)["number"]
    missing = fire(client, number, "refuse", expect=422)
    assert set(missing["errors"]) == {"reason", "data"}
    body = fire(client, number, "refuse", reason="不属于本县受理范围", data={"basis": BASIS})
    assert body["state"] == "refused"
    assert body["refusal"]["basis"] == BASIS and body["refusal"]["remedies"]
    refused = fire(client, number, "accept", expect=409)
    assert refused["detail"] == "'accept' is not allowed while the application is 'refused'"
    assert refused["allowed"] == {"application": [], "items": {code: [] for code in NEWBORN_ITEMS}}


def test_withdraw_at_intake(client):
    number = create(client)["number"]
    assert fire(client, number, "withdraw")["state"] == "withdrawn"


def test_withdraw_during_processing_ends_every_item(client):
    number = create(client)["number"]
    fire(client, number, "accept")
    body = fire(client, number, "withdraw", reason="申请人主动撤回")
    assert body["state"] == "withdrawn"
    assert set(states(body).values()) == {"withdrawn"}


def test_withdraw_refused_once_an_item_is_decided(client):
    number = create(client)["number"]
    fire(client, number, "accept")
    decide(client, number, "birth_medical_certificate")
    body = fire(client, number, "withdraw", expect=409)
    assert "already been decided" in body["detail"]


def test_item_correction_and_supplement(client):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    fire(client, number, "start_review", "business_establishment")
    fire(client, number, "request_correction", "business_establishment", expect=422)
    body = fire(client, number, "request_correction", "business_establishment",
                reason="租赁合同未签字", data={"missing": ["premises_proof"]})
    assert states(body)["business_establishment"] == "correction"
    body = fire(client, number, "supplement", "business_establishment",
                data={"materials": ["premises_proof"]})
    assert states(body)["business_establishment"] == "reviewing"


def test_transitions_lists_what_is_allowed_now(client):
    number = create(client)["number"]
    body = client.get(f"/api/applications/{number}/transitions").get_json()
    assert body["allowed"]["application"] == ["accept", "request_correction", "refuse",
                                              "withdraw"]
    fire(client, number, "accept")
    body = client.get(f"/api/applications/{number}/transitions").get_json()
    assert body["state"]["application"] == "processing"
    assert body["allowed"]["application"] == ["withdraw"]
    assert body["allowed"]["items"]["birth_medical_certificate"] == []  # not the clerk's
    body = client.get(f"/api/applications/{number}/transitions",
                      headers=client.staff.headers("supervisor")).get_json()
    assert body["allowed"]["application"] == []
    assert body["allowed"]["items"]["birth_medical_certificate"] == ["start_review", "extend"]
    assert body["allowed"]["items"]["birth_registration"] == []


def test_trigger_not_allowed_is_409_naming_state_and_allowed(client):
    number = create(client)["number"]
    response = client.post(f"/api/applications/{number}/transitions",
                           json={"trigger": "approve", "item": "birth_registration",
                                 "data": approval(client.application, "birth_registration")},
                           headers=client.staff.headers("supervisor"))
    body = response.get_json()
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert body["state"]["application"] == "submitted"
    assert body["state"]["items"]["birth_registration"] == "pending"
    assert "accept" in body["allowed"]["application"]
    assert "birth_registration" in body["detail"]


def test_application_stays_on_the_version_it_was_created_with(client, app, catalog):
    import copy

    from service.catalog.operations import publish
    from service.core.database import db

    number = create(client)["number"]
    changed = copy.deepcopy(catalog)
    changed.bundles["newborn"]["limits"]["committed"] = 4
    with app.app_context():
        report = publish(changed)
        db.session.commit()
    assert report.changed == ["newborn"]
    assert client.get("/api/bundles/newborn").get_json()["version"] == 2
    assert client.get(f"/api/applications/{number}").get_json()["bundle"]["version"] == 1
    assert create(client)["bundle"]["version"] == 2
    assert fire(client, number, "accept")["bundle"]["version"] == 1


def test_events_are_append_only(client, app):
    import pytest
    from sqlalchemy import select

    from service.applications.models import Event
    from service.core.database import ImmutableRowError, db

    create(client)
    with app.app_context():
        event = db.session.scalars(select(Event)).first()
        event.reason = "rewritten"
        with pytest.raises(ImmutableRowError):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(ImmutableRowError):
            db.session.delete(db.session.scalars(select(Event)).first())
            db.session.flush()
        db.session.rollback()
