"""`flask users`: create (errors named, non-zero exit), list, token, demo (refused in
production)."""

import pytest
from sqlalchemy import func, select

from service.access.demo_accounts import DEMO_USERS
from service.access.models import User
from service.access.operations import authenticate
from service.core.database import db
from tests.conftest import make_app

GOOD_PASSWORD = "a long enough password"


def users(app) -> dict[str, tuple[str, list[str], bool]]:
    with app.app_context():
        return {user.username: (user.role, sorted(user.department_codes), user.active)
                for user in db.session.scalars(select(User))}


def test_create_a_reviewer_with_departments(runner, app, loaded):
    result = runner.invoke(args=["users", "create", "zhao", "--name", "赵敏", "--role",
                                 "reviewer", "--department", "tax", "--department", "customs",
                                 "--password", GOOD_PASSWORD])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created zhao (reviewer)"
    assert users(app) == {"zhao": ("reviewer", ["customs", "tax"], True)}
    with app.app_context():
        assert authenticate("zhao", GOOD_PASSWORD).display_name == "赵敏"
        stored = db.session.scalar(select(User.password_hash).where(User.username == "zhao"))
        assert GOOD_PASSWORD not in stored and stored.startswith("scrypt:")


@pytest.mark.parametrize(("extra", "message"), [
    (["--role", "clerk", "--password", "too-short"], "password: at least 10 characters"),
    (["--role", "reviewer", "--password", GOOD_PASSWORD],
     "departments: a reviewer works for at least one department"),
    (["--role", "supervisor", "--department", "treasury", "--password", GOOD_PASSWORD],
     "departments: unknown department(s): treasury"),
    (["--role", "clerk", "--department", "tax", "--password", GOOD_PASSWORD],
     "departments: a clerk is not bound to departments"),
], ids=["short-password", "reviewer-without-department", "unknown-department",
        "clerk-with-department"])
def test_create_names_each_validation_error(runner, app, loaded, extra, message):
    result = runner.invoke(args=["users", "create", "newcomer", "--name", "N", *extra])
    assert result.exit_code != 0
    assert f"error: {message}" in result.stderr
    assert "user not created" in result.stderr
    assert users(app) == {}


def test_create_names_every_error_at_once(runner, app, loaded):
    result = runner.invoke(args=["users", "create", "newcomer", "--name", "N", "--role",
                                 "reviewer", "--password", "short"])
    assert result.exit_code != 0
    assert "error: password:" in result.stderr and "error: departments:" in result.stderr


def test_create_refuses_a_taken_username(runner, app, staff):
    before = users(app)
    result = runner.invoke(args=["users", "create", "clerk", "--name", "Another", "--role",
                                 "clerk", "--password", GOOD_PASSWORD])
    assert result.exit_code != 0
    assert "error: username: 'clerk' is taken" in result.stderr
    assert users(app) == before


def test_create_refuses_an_unknown_role(runner, app):
    result = runner.invoke(args=["users", "create", "newcomer", "--name", "N", "--role", "root",
                                 "--password", GOOD_PASSWORD])
    assert result.exit_code == 2 and "root" in result.output
    assert users(app) == {}


def test_list_shows_every_account_role_state_and_departments(runner, app, staff, client):
    reviewer = next(user["id"] for user in client.get(
        "/api/users", headers=staff.headers("admin")).get_json()
        if user["username"] == "reviewer")
    client.patch(f"/api/users/{reviewer}", json={"active": False}, headers=staff.headers("admin"))
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}
    assert set(lines) == {"admin", "clerk", "leader", "reviewer", "supervisor"}
    assert lines["reviewer"] == ["reviewer", "off", "tax"]
    # (The fixture binds its clerk to a department, which create_user itself would refuse.)
    assert lines["clerk"][:2] == ["clerk", "active"]
    assert lines["supervisor"][:2] == ["supervisor", "active"]
    assert len(lines["supervisor"]) > 3  # every department


def test_list_with_no_accounts_prints_nothing(runner, app):
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0 and result.output == ""


def test_token_prints_a_working_token(runner, app, staff):
    result = runner.invoke(args=["users", "token", "reviewer", "--name", "ci", "--days", "5"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("ot_") and "\n" not in secret
    response = app.test_client().get("/api/tokens", headers={
        "Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert sorted(row["name"] for row in response.get_json()) == ["ci", "tests"]


@pytest.mark.parametrize("args", [["users", "token", "nobody"],
                                  ["users", "token", "clerk", "--days", "0"],
                                  ["users", "token", "clerk", "--days", "400"]])
def test_token_refuses_an_unknown_user_or_bad_days(runner, app, staff, args):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "ot_" not in result.output


def test_token_refuses_a_deactivated_user(runner, app, staff, client):
    admin = staff.headers("admin")
    clerk = next(user["id"] for user in client.get("/api/users", headers=admin).get_json()
                 if user["username"] == "clerk")
    client.patch(f"/api/users/{clerk}", json={"active": False}, headers=admin)
    result = runner.invoke(args=["users", "token", "clerk"])
    assert result.exit_code != 0 and "no active user 'clerk'" in result.output


def test_demo_creates_six_accounts_once_and_prints_their_passwords(runner, app, loaded):
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    for username, *_ in DEMO_USERS:
        assert f"demo-{username}-2026" in result.output
    created = users(app)
    every = sorted(loaded.departments)
    assert created == {"window": ("clerk", [], True), "reviewer": ("reviewer", every, True),
                       "tax": ("reviewer", ["tax"], True),
                       "supervisor": ("supervisor", every, True), "admin": ("admin", [], True),
                       "leader": ("leader", [], True)}
    with app.app_context():
        assert authenticate("tax", "demo-tax-2026").username == "tax"

    again = runner.invoke(args=["users", "demo"])
    assert again.exit_code == 0, again.output
    assert users(app) == created
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 6


def test_demo_refused_in_production(database_url, monkeypatch, app):
    monkeypatch.setenv("ONETHING_ENV", "production")
    production = make_app(database_url, SECRET_KEY="a-real-secret-for-tests-of-32-bytes")
    try:
        result = production.test_cli_runner().invoke(args=["users", "demo"])
        assert result.exit_code != 0
        assert "production" in result.output
        assert "demo-" not in result.output
        assert users(app) == {}
    finally:
        with production.app_context():
            db.engine.dispose()

