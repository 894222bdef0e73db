"""Who acted, in every event: staff by account, the applicant, the system; one username rule."""

import pytest

from tests.access.test_citizens import citizen
from tests.factories import application_payload, create, decide, fire


def test_every_event_names_the_kind_of_actor_and_staff_by_account(client):
    created = create(client, "company_closure")
    number = created["number"]
    fire(client, number, "accept")
    body = decide(client, number, "tax_deregistration")
    by_trigger = {(event["trigger"], event["item"]): event for event in body["history"]}
    submit = by_trigger[("submit", None)]
    assert (submit["actor_kind"], submit["actor"], submit["actor_name"]) == (
        "staff", "clerk", "Clerk")  # the window clerk recorded it
    approve = by_trigger[("approve", "tax_deregistration")]
    assert (approve["actor_kind"], approve["actor"], approve["actor_name"]) == (
        "staff", "supervisor", "Supervisor")
    opened = by_trigger[("open", "company_deregistration")]
    assert (opened["actor_kind"], opened["actor"], opened["actor_name"]) == (
        "system", "system", None)


def test_the_applicant_sees_that_staff_acted_but_not_who(client, app):
    response = app.test_client().post(  # anonymous: the applicant, online
        "/api/applications", json=application_payload(app, "newborn", channel="online"))
    created = response.get_json()
    fire(client, created["number"], "accept")
    history = citizen(app, created).get("/api/citizen/application").get_json()["history"]
    submit, accept = history[0], history[1]
    assert (submit["actor_kind"], submit["actor"], submit["actor_name"]) == (
        "applicant", "citizen", None)
    assert (accept["actor_kind"], accept["actor"], accept["actor_name"]) == (
        "staff", "staff", None)


@pytest.mark.parametrize("username", ["system", "citizen", "applicant", "staff"])
def test_no_account_may_take_the_words_of_the_history(client, username):
    response = client.post("/api/users", headers=client.staff.headers("admin"), json={
        "username": username, "display_name": "X", "password": "long enough password",
        "role": "clerk"})
    assert response.status_code == 422
    assert "reserved" in response.get_json()["errors"]["username"][0]


@pytest.mark.parametrize("username", ["system", "Bad Name", "x"])
def test_the_cli_applies_the_same_username_rule(runner, app, loaded, username):
    result = runner.invoke(args=["users", "create", username, "--name", "N", "--role", "clerk",
                                 "--password", "long enough password"])
    assert result.exit_code != 0
    assert "error: username:" in result.stderr
