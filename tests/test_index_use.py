"""Index use on PostgreSQL (issue 18's second gate): with a few thousand applications analysed,
the plans of the status read, the window's queue, the overdue board and a department's items
to decide name the indexes they are meant to use. The statements are the ones the requests
send, captured and explained with their own parameters."""

import pytest
from sqlalchemy import text

from service.applications.models import Application, ApplicationItem
from service.core.database import db
from tests.access.test_pages import sign_in
from tests.conftest import postgresql_only
from tests.db_counts import statements_sent
from tests.factories import create, fire

pytestmark = postgresql_only

COPIES = 3000


def _copy_applications(app, number: str) -> None:
    """``COPIES`` applications like ``number``, mostly finished with their items decided, so
    that the rows a hot query wants are few among many."""
    skip = {"id", "number", "state"}
    columns = [c.name for c in Application.__table__.columns if c.name not in skip]
    item_columns = [c.name for c in ApplicationItem.__table__.columns
                    if c.name not in {"id", "application_id", "state"}]
    listed = ", ".join(columns)
    with app.app_context():
        original = db.session.scalar(text("SELECT id FROM applications WHERE number = :n"),
                                     {"n": number})
        db.session.execute(text(
            f"INSERT INTO applications (number, state, {listed}) "
            f"SELECT '3' || lpad(g::text, 13, '0'), "
            f"CASE WHEN g % 10 = 0 THEN 'processing' ELSE 'refused' END, {listed} "
            f"FROM applications, generate_series(1, {COPIES}) AS g WHERE id = :id"),
            {"id": original})
        items = ", ".join(item_columns)
        db.session.execute(text(
            f"INSERT INTO application_items (application_id, state, {items}) "
            f"SELECT a.id, CASE WHEN a.state = 'processing' THEN i.state ELSE 'approved' END, "
            + ", ".join(f"i.{column}" for column in item_columns)
            + " FROM application_items i JOIN applications a ON a.number LIKE '3%' "
            "WHERE i.application_id = :id"), {"id": original})
        db.session.commit()
        db.session.execute(text("ANALYZE applications"))
        db.session.execute(text("ANALYZE application_items"))
        db.session.commit()


@pytest.fixture
def sent(app):
    with statements_sent(app) as statements:
        yield statements


def _plans(app, statements) -> str:
    with app.app_context(), db.engine.connect() as connection:
        return "\n".join(
            "\n".join(row[0] for row in connection.exec_driver_sql(
                "EXPLAIN " + statement, parameters))
            for statement, parameters in statements
            if statement.lstrip().upper().startswith("SELECT"))


@pytest.mark.parametrize("request_name, path, role, index", [
    ("status read", "/api/applications/{number}", "clerk", "uq_applications_number"),
    ("the window's queue", "/api/applications?state=submitted", "clerk",
     "ix_applications_state_id"),
    ("the overdue board", "/api/overdue", "supervisor", "ix_application_items_state_"),
    ("a department's items to decide", "/review", "reviewer",
     "ix_application_items_working_department_due"),
])
def test_hot_queries_use_their_indexes(app, client, sent, request_name, path, role, index):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    _copy_applications(app, number)
    if path.startswith("/api/"):
        headers = client.staff.headers(role)
    else:  # a page: the reviewer's signed-in session
        client.environ_base.pop("HTTP_AUTHORIZATION", None)
        sign_in(client, role)
        headers = {}
    sent.clear()
    response = client.get(path.format(number=number), headers=headers)
    assert response.status_code == 200, (request_name, response.status_code)
    plans = _plans(app, sent)
    assert index in plans, f"{request_name}: no {index} in\n{plans}"
