"""Typed form fields through POST /api/applications (the tests' utility_connection bundle asks
a credit code, a resident ID, a mobile, an address and money): normalised when valid, refused
naming the field and saying what is expected when not."""

import pytest

from tests.factories import application_payload, create

BUNDLE = "utility_connection"


def with_answers(app, **answers) -> dict:
    payload = application_payload(app, BUNDLE)
    payload["form"].update(answers)
    return payload


def test_the_generated_answers_are_valid_for_every_type(client):
    body = create(client, BUNDLE)
    assert body["form"]["construction_budget"] == "3000.00"
    assert body["form"]["company_credit_code"][:2] == "91"


def test_answers_are_stored_normalised(client, app):
    response = client.post("/api/applications", json=with_answers(
        app, legal_representative_id="11010519491231002x", site_contact_mobile="+86 138 0013 8000",
        construction_budget="12,500.5", connection_address=" 城关镇  解放街26号 "))
    assert response.status_code == 201, response.get_json()
    form = response.get_json()["form"]
    assert (form["legal_representative_id"], form["site_contact_mobile"]) == (
        "11010519491231002X", "13800138000")
    assert (form["construction_budget"], form["connection_address"]) == ("12500.50",
                                                                         "城关镇 解放街26号")


def test_an_optional_money_field_may_be_left_out(client, app):
    payload = application_payload(app, BUNDLE)
    del payload["form"]["construction_budget"]
    assert client.post("/api/applications", json=payload).status_code == 201


@pytest.mark.parametrize(
    ("field", "answer", "message"),
    [
        ("company_credit_code", "91430121MA4L00001X", "check character of this credit code"),
        ("legal_representative_id", "110105194912310021", "check character"),
        ("site_contact_mobile", "0731-8888888", "a mobile number has 11 digits"),
        ("construction_budget", "99.999", "at most 2 decimals"),
        ("construction_budget", 99.5, "decimal string"),
        ("connection_address", " ", "an address cannot be empty"),
    ],
)
def test_invalid_answers_are_refused_naming_the_field(client, app, field, answer, message):
    response = client.post("/api/applications", json=with_answers(app, **{field: answer}))
    body = response.get_json()
    assert response.status_code == 422, body
    assert f"form.{field}" in body["detail"] and message in body["detail"]
