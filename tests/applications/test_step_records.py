"""What the steps record (issue 11): the one-time correction notice with a note per material and
the applicant's time limit; refusals and denials with their legal basis and the remedies; an
approval's opinion and result; delivery by post with its tracking number; the applicant's visits
to the window. Through the API, on both databases."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from service.applications.operations import get_application
from service.core.config import DEFAULT_REMEDIES
from service.portal.status import status_of
from tests.access.test_citizens import citizen
from tests.factories import BASIS, approval, create, decide, fire

NEWBORN_ITEMS = ["birth_medical_certificate", "birth_registration", "newborn_medical_insurance",
                 "social_security_card", "vaccination_certificate"]
WITHOUT_PHOTO = ["parent_id_cards", "birth_medical_record"]


def on(day: date, hour: int = 10):
    """``hour`` o'clock in Shanghai on ``day``, the clock standing still."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC),
                               tick=False)


def item(body: dict, code: str) -> dict:
    return next(each for each in body["items"] if each["code"] == code)


def errors_of(body: dict) -> dict:
    return body["errors"]


def delivered(client, **overrides) -> str:
    """A newborn application, every item approved, ready to deliver."""
    number = create(client, **overrides)["number"]
    fire(client, number, "accept")
    for code in NEWBORN_ITEMS:  # in the order their prerequisites allow
        decide(client, number, code)
    return number


# The one-time correction notice (一次告知) and the correction received.

def test_correction_notice_lists_each_material_with_its_note_and_a_default_time_limit(client):
    with on(date(2026, 11, 20)):  # a Friday
        number = create(client, materials=["parent_id_cards"])["number"]
        body = fire(client, number, "request_correction", reason="请一次性补正", data={
            "missing": [{"material": "child_photo", "note": "请补交近期免冠照片"},
                        "birth_medical_record"]})
    assert body["state"] == "correction"
    assert body["materials_missing"] == ["child_photo", "birth_medical_record"]
    notice = body["correction_notice"]
    assert notice["reason"] == "请一次性补正"
    assert notice["missing"] == [
        {"material": "child_photo", "name": "新生儿近期免冠照片", "note": "请补交近期免冠照片"},
        {"material": "birth_medical_record", "name": notice["missing"][1]["name"], "note": None}]
    assert notice["due_on"] == "2026-12-04"  # ten working days after Friday 20 November
    recorded = body["history"][-1]["data"]
    assert recorded == {"missing": [
        {"material": "child_photo", "note": "请补交近期免冠照片"},
        {"material": "birth_medical_record", "note": None}], "due_on": "2026-12-04"}


def test_correction_notice_defaults_to_every_missing_material_without_notes(client):
    number = create(client, materials=WITHOUT_PHOTO)["number"]
    body = fire(client, number, "request_correction")
    assert [entry["material"] for entry in body["correction_notice"]["missing"]] == [
        "child_photo"]
    assert body["correction_notice"]["missing"][0]["note"] is None


@pytest.mark.parametrize(("data", "due_on"), [({"days": 3}, "2026-11-25"),
                                              ({"due_on": "2026-12-31"}, "2026-12-31")])
def test_correction_time_limit_in_days_or_a_date(client, data, due_on):
    with on(date(2026, 11, 20)):
        number = create(client, materials=WITHOUT_PHOTO)["number"]
        body = fire(client, number, "request_correction", data=data)
    assert body["correction_notice"]["due_on"] == due_on


def test_correction_time_limit_is_configurable(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CORRECTION_DAYS", 1)
    with on(date(2026, 11, 20)):
        number = create(client, materials=WITHOUT_PHOTO)["number"]
        body = fire(client, number, "request_correction")
    assert body["correction_notice"]["due_on"] == "2026-11-23"


@pytest.mark.parametrize(("data", "field"), [
    ({"days": 3, "due_on": "2026-12-31"}, "days"),
    ({"due_on": "2026-11-20"}, "due_on"),  # today: not after it
    ({"days": 0}, "days"),
    ({"days": "3"}, "days"),
    ({"missing": [{"material": "child_photo", "note": "x" * 501}]}, "missing"),
    ({"missing": [{"note": "没有材料"}]}, "missing"),
    ({"missing": [7]}, "missing"),
    ({"missing": [{"material": "unicorn_licence"}]}, "missing"),
])
def test_correction_notice_refuses_bad_data_naming_the_field(client, data, field):
    with on(date(2026, 11, 20)):
        number = create(client, materials=WITHOUT_PHOTO)["number"]
        body = fire(client, number, "request_correction", data=data, expect=422)
    assert set(errors_of(body)["data"]) == {field}


def test_item_correction_notice_with_notes_and_its_time_limit(client):
    with on(date(2026, 11, 20)):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        fire(client, number, "start_review", "business_establishment")
        body = fire(client, number, "request_correction", "business_establishment",
                    reason="租赁合同未签字", data={
                        "missing": [{"material": "premises_proof", "note": "缺少出租人签字"}],
                        "days": 5})
    notice = item(body, "business_establishment")["correction_notice"]
    assert notice["missing"][0]["note"] == "缺少出租人签字"
    assert notice["due_on"] == "2026-11-27"
    assert body["correction_notice"] is None  # the application itself is not in correction

    body = fire(client, number, "supplement", "business_establishment",
                data={"materials": ["premises_proof"], "channel": "online"})
    assert item(body, "business_establishment")["correction_notice"] is None
    assert body["history"][-1]["data"] == {"materials": ["premises_proof"], "channel": "online"}
    assert body["visits"] == [{"kind": "intake", "at": body["visits"][0]["at"],
                               "clerk": "clerk"}]  # handed in online: no visit


def test_correction_received_at_the_window_records_what_and_a_visit(client):
    number = create(client, materials=WITHOUT_PHOTO)["number"]
    fire(client, number, "request_correction")
    body = fire(client, number, "supplement", data={"materials": ["child_photo"]})
    assert body["history"][-1]["data"] == {"materials": ["child_photo"], "channel": "window"}
    assert [visit["kind"] for visit in body["visits"]] == ["intake", "correction"]
    assert body["visits"][1]["clerk"] == "clerk"
    assert body["correction_notice"] is None


def test_correction_received_online_from_the_applicant_is_no_visit(client, app):
    created = create(client, materials=WITHOUT_PHOTO, channel="online")
    fire(client, created["number"], "request_correction")
    applicant = citizen(app, created)
    refused = applicant.post("/api/citizen/application/transitions", json={
        "trigger": "supplement", "data": {"materials": ["child_photo"], "channel": "window"}})
    assert refused.status_code == 422
    assert set(errors_of(refused.get_json())["data"]) == {"channel"}
    response = applicant.post("/api/citizen/application/transitions", json={
        "trigger": "supplement", "data": {"materials": ["child_photo"]}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["history"][-1]["data"]["channel"] == "online"
    assert body["visits"] == []


# Refusal at intake (不予受理) and denial (不予许可): reason, legal basis, remedies.

def test_refusal_needs_its_legal_basis(client):
    number = create(client)["number"]
    for data in ({}, {"basis": "  "}, {"basis": "x" * 501}):
        body = fire(client, number, "refuse", reason="不属于本县受理范围", data=data,
                    expect=422)
        assert set(errors_of(body)) == {"data"} and set(errors_of(body)["data"]) == {"basis"}
        assert "data.basis" in body["detail"]


def test_refusal_states_reason_basis_and_remedies_to_staff_and_applicant(client, app):
    created = create(client)
    body = fire(client, created["number"], "refuse", reason="不属于本县受理范围",
                data={"basis": BASIS})
    refusal = body["refusal"]
    assert refusal["reason"] == "不属于本县受理范围"
    assert refusal["basis"] == BASIS
    assert refusal["remedies"] == DEFAULT_REMEDIES
    assert "六十日" in refusal["remedies"] and "六个月" in refusal["remedies"]
    assert body["history"][-1]["data"] == {"basis": BASIS, "remedies": DEFAULT_REMEDIES}
    mine = citizen(app, created).get("/api/citizen/application").get_json()
    assert mine["refusal"] == refusal


def test_remedies_are_stored_as_worded_when_decided(client, app, monkeypatch):
    number = create(client)["number"]
    monkeypatch.setitem(app.config, "REMEDIES", "可向县人民政府申请行政复议。")
    fire(client, number, "refuse", reason="不属于本县受理范围", data={"basis": BASIS})
    monkeypatch.setitem(app.config, "REMEDIES", "另一种措辞")
    body = client.get(f"/api/applications/{number}").get_json()
    assert body["refusal"]["remedies"] == "可向县人民政府申请行政复议。"


def test_denial_needs_its_legal_basis_and_states_the_remedies(client):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    fire(client, number, "start_review", "business_establishment")
    body = fire(client, number, "deny", "business_establishment", reason="名称与在先登记重复",
                expect=422)
    assert set(errors_of(body)["data"]) == {"basis"}
    body = fire(client, number, "deny", "business_establishment", reason="名称与在先登记重复",
                data={"basis": "《企业名称登记管理规定》第十七条"})
    denial = item(body, "business_establishment")["denial"]
    assert denial == {"at": denial["at"], "reason": "名称与在先登记重复",
                      "basis": "《企业名称登记管理规定》第十七条", "remedies": DEFAULT_REMEDIES}
    assert item(body, "food_business_permit")["denial"] is None  # cancelled, not denied
    assert body["refusal"] is None and body["results"] == []


# Approval: the reviewer's opinion and the result.

@pytest.mark.parametrize(("data", "errors"), [
    ({}, {"opinion", "result"}),
    ({"opinion": "同意"}, {"result"}),
    ({"opinion": " ", "result": {"document": "营业执照", "number": "1"}}, {"opinion"}),
    ({"opinion": "同意", "result": {"number": "1"}}, {"result"}),
    ({"opinion": "同意", "result": {"document": "营业执照"}}, {"result"}),  # a certificate
    ({"opinion": "同意", "result": {"document": "营业执照", "number": "1",
                                     "valid_from": "2026-11-20", "valid_until": "2026-11-19"}},
     {"result"}),
    ({"opinion": "同意", "result": {"document": "营业执照", "number": "1",
                                     "colour": "red"}}, {"result"}),
])
def test_approval_refuses_what_is_missing_naming_the_field(client, data, errors):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    fire(client, number, "start_review", "business_establishment")
    body = fire(client, number, "approve", "business_establishment", data=data, expect=422)
    assert set(errors_of(body)["data"]) == errors


def test_certificate_number_is_named_when_the_item_issues_a_certificate(client):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    fire(client, number, "start_review", "business_establishment")
    body = fire(client, number, "approve", "business_establishment",
                data={"opinion": "同意", "result": {"document": "营业执照"}}, expect=422)
    assert set(errors_of(body)["data"]["result"]) == {"number"}
    assert "business_license" in str(errors_of(body)["data"]["result"]["number"])


def test_approval_records_opinion_and_result_listed_for_staff_and_applicant(client, app):
    with on(date(2026, 11, 20)):
        created = create(client, "restaurant")
        number = created["number"]
        fire(client, number, "accept")
        fire(client, number, "start_review", "business_establishment")
        body = fire(client, number, "approve", "business_establishment", data={
            "opinion": "材料齐全，符合法定条件，准予登记。",
            "result": {"document": "营业执照", "number": "91430121MA4L00001X"}})
        fire(client, number, "start_review", "food_business_permit")
        body = fire(client, number, "approve", "food_business_permit", data={
            "opinion": "现场核查合格。",
            "result": {"document": "食品经营许可证", "number": "JY14301210000001",
                       "valid_from": "2026-11-20", "valid_until": "2031-11-19"}})
    assert item(body, "business_establishment")["opinion"] == "材料齐全，符合法定条件，准予登记。"
    assert item(body, "food_business_permit")["opinion"] == "现场核查合格。"
    assert item(body, "outdoor_signboard")["opinion"] is None
    issued = "2026-11-20T02:00:00+00:00"
    assert body["results"] == [
        {"item": "business_establishment", "item_name": item(body, "business_establishment")[
            "name"], "document": "营业执照", "number": "91430121MA4L00001X",
         "valid_from": None, "valid_until": None, "issued_at": issued},
        {"item": "food_business_permit", "item_name": item(body, "food_business_permit")["name"],
         "document": "食品经营许可证", "number": "JY14301210000001",
         "valid_from": "2026-11-20", "valid_until": "2031-11-19", "issued_at": issued}]
    assert body["history"][-1]["data"]["result"]["valid_until"] == "2031-11-19"
    mine = citizen(app, created).get("/api/citizen/application").get_json()
    assert mine["results"] == body["results"]


def test_a_department_sees_the_results_of_its_own_items_only(client):
    number = create(client, "company_closure")["number"]
    fire(client, number, "accept")
    decide(client, number, "tax_deregistration")
    decide(client, number, "company_deregistration")
    body = client.get(f"/api/applications/{number}",
                      headers=client.staff.headers("reviewer")).get_json()  # the tax office
    assert [result["item"] for result in body["results"]] == ["tax_deregistration"]
    everything = client.get(f"/api/applications/{number}").get_json()
    assert [result["item"] for result in everything["results"]] == [
        "tax_deregistration", "company_deregistration"]


def test_an_item_without_a_certificate_may_issue_a_document_without_number(client, app):
    number = create(client)["number"]
    fire(client, number, "accept")
    for code in NEWBORN_ITEMS[:2]:
        decide(client, number, code)
    fire(client, number, "start_review", "newborn_medical_insurance")
    body = fire(client, number, "approve", "newborn_medical_insurance", data={
        "opinion": "同意参保", "result": {"document": "参保登记回执"}})
    result = next(each for each in body["results"] if each["item"] == "newborn_medical_insurance")
    assert result["number"] is None and result["document"] == "参保登记回执"
    assert approval(app, "newborn_medical_insurance")["result"]["number"] is None


# Delivery: the method and, by post, the tracking number.

def test_delivery_by_post_needs_its_tracking_number(client):
    number = delivered(client)
    body = fire(client, number, "deliver", data={"method": "post"}, expect=422)
    assert set(errors_of(body)["data"]) == {"tracking_number"}
    assert "data.tracking_number" in body["detail"]
    body = fire(client, number, "deliver", data={"method": "window",
                                                 "tracking_number": "SF1"}, expect=422)
    assert set(errors_of(body)["data"]) == {"tracking_number"}
    body = fire(client, number, "deliver",
                data={"method": "post", "tracking_number": "SF1234567890123"})
    assert body["state"] == "delivered"
    assert body["delivery_method"] == "post" and body["tracking_number"] == "SF1234567890123"
    assert body["history"][-1]["data"] == {"method": "post", "tracking_number": "SF1234567890123"}
    assert [visit["kind"] for visit in body["visits"]] == ["intake"]


def test_delivery_defaults_to_the_method_chosen_at_intake(client):
    number = delivered(client, delivery_method="post")
    body = fire(client, number, "deliver", expect=422)
    assert set(errors_of(body)["data"]) == {"tracking_number"}
    body = fire(client, number, "deliver", data={"tracking_number": "EMS9876543210"})
    assert body["tracking_number"] == "EMS9876543210"
    assert body["history"][-1]["data"]["method"] == "post"


# Visits: the applicant served in person.

def test_window_intake_and_collection_are_visits_with_their_clerk(client, app):
    created = create(client)
    number = created["number"]
    fire(client, number, "accept")
    for code in NEWBORN_ITEMS:
        decide(client, number, code)
    body = fire(client, number, "deliver", data={"method": "window"})
    assert [(visit["kind"], visit["clerk"]) for visit in body["visits"]] == [
        ("intake", "clerk"), ("delivery", "clerk")]
    assert body["tracking_number"] is None
    mine = citizen(app, created).get("/api/citizen/application").get_json()
    assert [(visit["kind"], visit["clerk"]) for visit in mine["visits"]] == [
        ("intake", "staff"), ("delivery", "staff")]


def test_online_application_delivered_electronically_has_no_visit(client):
    number = delivered(client, channel="online")
    body = fire(client, number, "deliver", data={"method": "electronic"})
    assert body["visits"] == []


def test_the_applicants_page_lists_each_note_and_the_day_to_hand_in_by(client, app):
    with on(date(2026, 11, 20)):
        number = create(client, materials=["parent_id_cards"])["number"]
        fire(client, number, "request_correction", data={"missing": [
            {"material": "child_photo", "note": "请补交近期免冠照片"}, "birth_medical_record"]})
    with app.app_context():
        todo = status_of(get_application(number), today=date(2026, 11, 20))["todo"]
    assert todo == [{"who": None, "reason": None, "due_on": date(2026, 12, 4),
                     "materials": ["新生儿近期免冠照片（请补交近期免冠照片）",
                                   todo[0]["materials"][1]]}]
    assert "（" not in todo[0]["materials"][1]


def test_the_api_documents_what_each_trigger_takes(client):
    spec = client.get("/api/openapi.json").get_json()
    described = spec["components"]["schemas"]["TransitionRequest"]["properties"]["data"][
        "description"]
    for field in ("missing", "due_on", "basis", "opinion", "result", "tracking_number",
                  "channel"):
        assert f"`{field}`" in described, field
    application = spec["components"]["schemas"]["Application"]["properties"]
    assert {"results", "visits", "refusal", "correction_notice", "tracking_number"} <= set(
        application)
