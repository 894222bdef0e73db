"""Department staff see and work their own items; the window works the application; only a
supervisor approves an extension. The reviewer of the fixtures works for the tax office."""

import json

import pytest

from tests.db_counts import counts
from tests.factories import approval, create, fire

TAX_ITEM = "tax_deregistration"
MARKET_ITEM = "company_deregistration"  # market regulation, opens once the tax item is approved


def as_reviewer(client) -> dict:
    return client.staff.headers("reviewer")


def items(body: dict) -> dict[str, str]:
    return {item["code"]: item["state"] for item in body["items"]}


def post_trigger(client, number: str, role: str, trigger: str, item: str | None = None,
                 **extra):
    return client.post(f"/api/applications/{number}/transitions",
                       json={"trigger": trigger, "item": item, **extra},
                       headers=client.staff.headers(role))


@pytest.fixture
def closure(client) -> str:
    """An accepted company closure: the tax item is open, the others wait for it."""
    number = create(client, "company_closure")["number"]
    fire(client, number, "accept")
    return number


def test_reviewer_decides_a_tax_item(client, closure):
    fire(client, closure, "start_review", TAX_ITEM, as_role="reviewer")
    body = fire(client, closure, "approve", TAX_ITEM, as_role="reviewer",
                data=approval(client.application, TAX_ITEM))
    assert items(body) == {TAX_ITEM: "approved"}  # the reviewer's view: the tax item alone
    approved = [event for event in body["history"] if event["trigger"] == "approve"]
    assert approved[0]["actor"] == "reviewer"
    assert items(client.get(f"/api/applications/{closure}").get_json())[MARKET_ITEM] == "open"


def test_reviewer_cannot_fire_on_another_departments_item(client, app, closure):
    fire(client, closure, "start_review", TAX_ITEM, as_role="reviewer")
    fire(client, closure, "approve", TAX_ITEM, as_role="reviewer",
         data=approval(app, TAX_ITEM))
    before = counts(app)
    for trigger in ("start_review", "approve", "pause"):
        response = post_trigger(client, closure, "reviewer", trigger, MARKET_ITEM,
                                data={"cause": "testing"} if trigger == "pause" else {})
        assert response.status_code == 403, trigger
        assert MARKET_ITEM in response.get_json()["detail"]
    assert counts(app) == before
    assert items(client.get(f"/api/applications/{closure}").get_json())[MARKET_ITEM] == "open"


@pytest.mark.parametrize("trigger", ["accept", "refuse", "withdraw", "deliver"])
def test_reviewer_cannot_fire_application_triggers(client, app, trigger):
    number = create(client, "company_closure")["number"]
    before = counts(app)
    response = post_trigger(client, number, "reviewer", trigger, reason="理由")
    assert response.status_code == 403
    assert counts(app) == before


def test_clerk_may_not_decide_items(client, app, closure):
    before = counts(app)
    for trigger in ("start_review", "approve", "extend"):
        response = post_trigger(client, closure, "clerk", trigger, TAX_ITEM, reason="理由",
                                data={"days": 5} if trigger == "extend" else {})
        assert response.status_code == 403, trigger
    assert counts(app) == before


def test_reviewer_lists_only_applications_with_tax_items(client):
    closure = create(client, "company_closure")["number"]
    create(client, "newborn")
    create(client, "restaurant")
    listed = client.get("/api/applications", headers=as_reviewer(client))
    assert listed.status_code == 200
    assert [row["number"] for row in listed.get_json()] == [closure]
    assert json.loads(listed.headers["X-Pagination"])["total"] == 1
    mine = client.get("/api/applications?department=tax", headers=as_reviewer(client))
    assert [row["number"] for row in mine.get_json()] == [closure]
    assert len(client.get("/api/applications").get_json()) == 3  # the clerk sees every one


def test_reviewer_asking_for_another_department_is_403(client):
    create(client, "newborn")
    response = client.get("/api/applications?department=health", headers=as_reviewer(client))
    assert response.status_code == 403
    assert "health" in response.get_json()["detail"]


def test_application_without_tax_items_is_404_for_the_reviewer(client, app):
    number = create(client, "newborn")["number"]
    fire(client, number, "accept")
    assert client.get(f"/api/applications/{number}", headers=as_reviewer(client)).status_code \
        == 404
    assert client.get(f"/api/applications/{number}/transitions",
                      headers=as_reviewer(client)).status_code == 404
    before = counts(app)
    response = post_trigger(client, number, "reviewer", "start_review",
                            "birth_medical_certificate")
    assert response.status_code == 404
    assert counts(app) == before
    # The same answer as for a number that does not exist: existence is not disclosed.
    missing = client.get("/api/applications/20990101000001", headers=as_reviewer(client))
    assert missing.status_code == 404


def test_reviewer_sees_only_the_tax_item_and_its_history(client, closure):
    fire(client, closure, "start_review", TAX_ITEM)
    fire(client, closure, "approve", TAX_ITEM,  # opens company deregistration
         data=approval(client.application, TAX_ITEM))
    fire(client, closure, "start_review", MARKET_ITEM)
    full = client.get(f"/api/applications/{closure}").get_json()
    assert len(full["items"]) == 6
    assert {event["item"] for event in full["history"]} == {None, TAX_ITEM, MARKET_ITEM}

    seen = client.get(f"/api/applications/{closure}", headers=as_reviewer(client)).get_json()
    assert [item["code"] for item in seen["items"]] == [TAX_ITEM]
    assert {event["item"] for event in seen["history"]} == {None, TAX_ITEM}
    assert [event["trigger"] for event in seen["history"] if event["item"] is None][:2] == [
        "submit", "accept"]
    allowed = client.get(f"/api/applications/{closure}/transitions",
                         headers=as_reviewer(client)).get_json()["allowed"]
    assert allowed["application"] == []
    assert all(triggers == [] for code, triggers in allowed["items"].items() if code != TAX_ITEM)


def test_personal_data_is_full_for_the_clerk_and_masked_for_departments(client, closure):
    clerk = client.get(f"/api/applications/{closure}").get_json()
    id_number = clerk["applicant"]["id_number"]
    assert "*" not in id_number and clerk["contact_phone"] == "13800138000"
    for role in ("reviewer", "supervisor"):
        seen = client.get(f"/api/applications/{closure}",
                          headers=client.staff.headers(role)).get_json()
        assert seen["applicant"]["id_number"] == id_number[:6] + "*" * 8 + id_number[-4:]
        assert seen["contact_phone"] == "138****8000"
        listed = client.get("/api/applications", headers=client.staff.headers(role)).get_json()
        assert id_number not in str(listed) and "*" in listed[0]["applicant"]["id_number"]
        fired = post_trigger(client, closure, role, "start_review" if role == "reviewer"
                             else "pause", TAX_ITEM, data={} if role == "reviewer"
                             else {"cause": "testing"}).get_json()
        assert id_number not in str(fired) and "13800138000" not in str(fired)
    assert client.get("/api/applications").get_json()[0]["applicant"]["id_number"] == id_number


def test_only_a_supervisor_extends(client, app, closure):
    before = counts(app)
    refused = post_trigger(client, closure, "reviewer", "extend", TAX_ITEM,
                           reason="需要补充调查", data={"days": 5})
    assert refused.status_code == 403
    assert counts(app) == before

    body = fire(client, closure, "extend", TAX_ITEM, reason="需要补充调查", data={"days": 5},
                as_role="supervisor")
    extended = [event for event in body["history"] if event["trigger"] == "extend"]
    assert len(extended) == 1
    # The approver is the supervisor who fired it: the event's actor (and, if the event data
    # names an approver, that same username).
    assert extended[0]["actor"] == "supervisor"
    assert extended[0]["data"]["days"] == 5
    assert extended[0]["data"].get("approver", "supervisor") == "supervisor"
    tax = next(item for item in body["items"] if item["code"] == TAX_ITEM)
    assert tax["clock"]["extension_days"] == 5


def test_an_approver_typed_in_is_refused(client, closure):
    response = post_trigger(client, closure, "supervisor", "extend", TAX_ITEM, reason="调查",
                            data={"days": 5, "approver": "someone-else"})
    assert response.status_code == 422
    assert "approver" in response.get_json()["detail"]


def test_a_supervisor_sees_only_the_overdue_board_of_their_departments(client, app, staff):
    from service.access.models import User
    from service.core.database import db

    with app.app_context():  # narrow the supervisor to the tax office
        supervisor = db.session.scalar(db.select(User).where(User.username == "supervisor"))
        supervisor.departments = [link for link in supervisor.departments
                                  if link.department_code == "tax"]
        db.session.commit()
    headers = staff.headers("supervisor")
    assert client.get("/api/overdue", headers=headers).status_code == 200
    assert client.get("/api/overdue?department=tax", headers=headers).status_code == 200
    refused = client.get("/api/overdue?department=health", headers=headers)
    assert refused.status_code == 403 and "health" in refused.get_json()["detail"]
    assert client.get("/api/overdue?department=health",
                      headers=staff.headers("admin")).status_code == 200
