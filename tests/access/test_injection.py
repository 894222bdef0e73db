"""SQL and HTML in every free-text field: stored and returned verbatim, the tables intact, and
escaped wherever a page shows them."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import inspect, select

from service.applications.models import Application, ApplicationItem, Event
from service.core.database import db
from service.demo.samples import resident_id
from tests.conftest import PASSWORD
from tests.factories import BASIS, create, fire

SQL = "'; DROP TABLE applications; --"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="x'
PAYLOADS = [SQL, SCRIPT, ATTRIBUTE]
TABLES = {"applications", "application_items", "events", "users", "api_tokens", "bundles"}
NEWBORN_TEXT = ("child_name", "birth_institution", "father_name", "mother_name",
                "registered_address")


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def stored_reasons(app, number: str) -> list[str]:
    with app.app_context():
        application_id = db.session.scalar(select(Application.id)
                                           .where(Application.number == number))
        return list(db.session.scalars(select(Event.reason).where(
            Event.application_id == application_id, Event.reason.is_not(None))))


@pytest.mark.parametrize("text", PAYLOADS, ids=["sql", "script", "attribute"])
def test_applicant_name_and_form_answers_are_kept_verbatim(client, app, text):
    form = {"child_sex": "女", "child_birth_date": "2026-11-20",
            **dict.fromkeys(NEWBORN_TEXT, text)}
    created = create(client, applicant={"kind": "person", "name": text,
                                        "id_number": resident_id(1)}, form=form)
    for body in (created, client.get(f"/api/applications/{created['number']}").get_json(),
                 client.get(f"/api/applications/{created['number']}",
                            headers=client.staff.headers("supervisor")).get_json()):
        assert body["applicant"]["name"] == text
        assert {code: body["form"][code] for code in NEWBORN_TEXT} == dict.fromkeys(
            NEWBORN_TEXT, text)
    listed = client.get("/api/applications").get_json()
    assert [row["applicant"]["name"] for row in listed] == [text]
    with app.app_context():
        stored = db.session.scalar(select(Application).where(
            Application.number == created["number"]))
        assert stored.applicant_name == text and stored.form["child_name"] == text
    assert tables(app) >= TABLES


@pytest.mark.parametrize("text", PAYLOADS, ids=["sql", "script", "attribute"])
def test_reasons_of_refuse_deny_and_pause_are_kept_verbatim(client, app, text):
    refused = create(client)["number"]
    body = fire(client, refused, "refuse", reason=text, data={"basis": BASIS})
    assert body["state"] == "refused" and body["history"][-1]["reason"] == text

    number = create(client, "company_closure")["number"]
    fire(client, number, "accept")
    item = "tax_deregistration"
    fire(client, number, "start_review", item)
    paused = fire(client, number, "pause", item, reason=text, data={"cause": "other"})
    spans = paused["items"][0]["clock"]["paused_spans"]
    assert [(each["cause"], each["note"]) for each in spans] == [("other", text)]
    fire(client, number, "resume", item)
    body = fire(client, number, "deny", item, reason=text, data={"basis": BASIS})
    denied = next(each for each in body["items"] if each["code"] == item)
    assert denied["state"] == "denied" and denied["reason"] == text
    reasons = [event["reason"] for event in body["history"] if event["trigger"] in
               ("pause", "deny")]
    assert reasons == [text, text]
    assert stored_reasons(app, refused) == [text]
    assert stored_reasons(app, number).count(text) == 2
    with app.app_context():
        assert db.session.scalar(select(ApplicationItem.reason).where(
            ApplicationItem.item_code == item)) == text
    assert tables(app) >= TABLES


@pytest.mark.parametrize("text", PAYLOADS, ids=["sql", "script", "attribute"])
def test_injection_in_lookups_finds_nothing_and_breaks_nothing(client, app, text):
    create(client)
    for query in ("bundle", "department"):
        response = client.get("/api/applications", query_string={query: text})
        assert response.status_code == 200 and response.get_json() == []
    assert client.get(f"/api/applications/{text}").status_code == 404
    assert client.get(f"/api/bundles/{text}").status_code == 404
    response = app.test_client().post("/api/citizen/session",
                                      json={"number": text[:20], "query_code": text[:20]})
    assert response.status_code == 404
    assert len(client.get("/api/applications").get_json()) == 1
    assert tables(app) >= TABLES


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("text", PAYLOADS, ids=["sql", "script", "attribute"])
def test_display_and_token_names_are_escaped_on_the_account_page(client, app, text):
    admin = client.staff.headers("admin")
    created = client.post("/api/users", headers=admin, json={
        "username": "mallory", "display_name": text, "password": PASSWORD, "role": "clerk"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["display_name"] == text
    assert client.get(f"/api/users/{created.get_json()['id']}",
                      headers=admin).get_json()["display_name"] == text

    browser = app.test_client()
    token = csrf_token(browser.get("/login").get_data(as_text=True))
    signed_in = browser.post("/login", data={"username": "mallory", "password": PASSWORD,
                                             "csrf_token": token})
    assert signed_in.status_code == 302
    response = browser.post("/account/tokens", data={"name": text, "days": "30",
                                                     "csrf_token": token})
    assert response.status_code == 201
    secret = re.search(r"<code>(ot_[^<]+)</code>", response.get_data(as_text=True)).group(1)

    html = browser.get("/account").get_data(as_text=True)
    assert text not in html
    assert str(escape(text)) in html
    assert html.count(str(escape(text))) >= 4  # header, heading, token row, revoke label
    assert "<script>alert" not in html and 'onmouseover="x' not in html

    listed = app.test_client().get("/api/tokens",
                                   headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert [row["name"] for row in listed] == [text]
    by_api = client.post("/api/tokens", json={"name": text})
    assert by_api.status_code == 201 and by_api.get_json()["name"] == text
    assert tables(app) >= TABLES


@pytest.mark.parametrize("text", PAYLOADS, ids=["sql", "script", "attribute"])
def test_login_form_echoes_the_username_escaped(app, staff, text):
    browser = app.test_client()
    token = csrf_token(browser.get("/login").get_data(as_text=True))
    response = browser.post("/login", data={"username": text, "password": "wrong",
                                            "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert text not in html and str(escape(text)) in html
    assert tables(app) >= TABLES
