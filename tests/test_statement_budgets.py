"""Statement budgets of the hot path (issue 18): the statements a request sends to the database,
counted, each against its budget. A change that adds a round trip to the status read, an advance,
an acceptance, an intake or a list fails here and has to say why in the budget it raises.
Counted on both databases (SQLite sends a few more where it lacks RETURNING in bulk inserts)."""

import pytest

from tests.access.test_citizens import citizen
from tests.db_counts import statements_sent
from tests.factories import application_payload, approval, create, fire

BUDGETS = {  # request: (SQLite, PostgreSQL)
    "clerk reads an application": (3, 3),
    "applicant reads their application": (3, 3),
    "department starts a review": (7, 7),
    "department approves an item": (14, 11),
    "clerk accepts an application": (9, 8),
    "window takes in an application": (13, 10),
    "clerk lists applications": (3, 3),
    "supervisor reads the overdue board": (2, 2),
}


@pytest.fixture
def statements(app):
    with statements_sent(app) as sent:
        yield sent


def test_the_hot_path_keeps_within_its_statement_budgets(app, client, statements, backend):
    created, waiting = create(client, "restaurant"), create(client, "restaurant")["number"]
    number = created["number"]
    fire(client, number, "accept")
    result = approval(app, "business_establishment")
    applicant = citizen(app, created)
    supervisor = client.staff.headers("supervisor")
    # Counted as a worker runs most of the time: every caller's token checked lately.
    assert client.get("/api/overdue", headers=supervisor).status_code == 200
    requests = {
        "clerk reads an application": lambda: client.get(f"/api/applications/{number}"),
        "applicant reads their application": lambda: applicant.get("/api/citizen/application"),
        "department starts a review": lambda: client.post(
            f"/api/applications/{number}/transitions", headers=supervisor,
            json={"trigger": "start_review", "item": "business_establishment"}),
        "department approves an item": lambda: client.post(
            f"/api/applications/{number}/transitions", headers=supervisor,
            json={"trigger": "approve", "item": "business_establishment", "data": result}),
        "clerk accepts an application": lambda: client.post(
            f"/api/applications/{waiting}/transitions", json={"trigger": "accept"}),
        "window takes in an application": lambda: client.post(
            "/api/applications", json=application_payload(app, "restaurant", serial=2)),
        "clerk lists applications": lambda: client.get("/api/applications"),
        "supervisor reads the overdue board": lambda: client.get("/api/overdue",
                                                                 headers=supervisor),
    }
    spent = {}
    for name, send in requests.items():
        statements.clear()
        response = send()
        assert response.status_code < 300, (name, response.get_json())
        spent[name] = len(statements)
    column = 0 if backend == "sqlite" else 1
    over = {name: (count, BUDGETS[name][column]) for name, count in spent.items()
            if count > BUDGETS[name][column]}
    assert not over, f"over budget (spent, budget): {over}"
