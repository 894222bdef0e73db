"""Every route in the URL map × every role (and anonymous): allowed, or refused.

A new route without an access rule fails here, and so does a rule that lets the wrong role in.
"""

import time

import pytest

from service.access.phone_sessions import SESSION_KEY as PHONE_SESSION_KEY
from service.access.policy import RULES
from tests.factories import create

# "applicant": signed in on the online counter with an SMS code (by phone, not by number).
ROLES = [None, "citizen", "applicant", "clerk", "reviewer", "supervisor", "admin"]
APPLICANTS = (None, "citizen", "applicant")
# Ids that match nothing: a matrix run must not revoke or deactivate the accounts it uses.
SAMPLE_VALUES = {"code": "newborn", "year": 2026, "user_id": 999999, "token_id": 999999,
                 "draft_id": 999999, "request_id": 999999, "attachment_id": 999999,
                 "rating_id": 999999, "section": "items", "filename": "swagger-ui.css"}


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(RULES) == set(), "routes without an access rule"
    assert set(RULES) - endpoints == set(), "rules for routes that do not exist"


def _routes(app, number: str):
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        values = {name: SAMPLE_VALUES.get(name, number) for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _allowed(endpoint: str, role: str | None) -> bool:
    rule = RULES[endpoint]
    return rule.public or (role == "citizen" and rule.citizen) or (
        role == "applicant" and rule.phone) or (
        role not in APPLICANTS and role in {each.value for each in rule.roles})


@pytest.mark.parametrize("role", ROLES, ids=[str(role) for role in ROLES])
def test_route_role_matrix(client, app, role):
    created = create(client)
    citizen_token = client.post("/api/citizen/session", json={
        "number": created["number"], "query_code": created["query_code"]}).get_json()["token"]
    headers = ({"Authorization": f"Bearer {citizen_token}"} if role == "citizen"
               else client.staff.headers(role) if role not in APPLICANTS else {})
    anonymous = app.test_client()  # no default credentials: only what ``headers`` carries
    if role == "applicant":
        with anonymous.session_transaction() as session:
            session[PHONE_SESSION_KEY] = {"phone": "13912345678", "at": int(time.time())}
    checked = 0
    for endpoint, method, url in _routes(app, created["number"]):
        body = {} if method in ("POST", "PUT", "PATCH") else None
        response = anonymous.open(url, method=method, headers=headers, json=body)
        status = response.status_code
        response.close()
        if _allowed(endpoint, role):
            assert status not in (401, 403), (endpoint, method, role, status)
            assert not (status == 302 and "/login" in response.headers.get("Location", "")
                        and endpoint != "pages.logout"), (endpoint, method, role)
        elif role in APPLICANTS:
            assert status in (401, 302), (endpoint, method, role, status)
            if status == 302:  # a page: to the staff sign-in, the look-up, or the SMS sign-in
                location = response.headers["Location"]
                assert ("/login" in location or location == "/"
                        or location.startswith("/apply/sign-in")), (endpoint, location)
        else:
            assert status == 403, (endpoint, method, role, status)
        checked += 1
    assert checked >= len(RULES)
