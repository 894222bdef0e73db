"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at ``TEST_POSTGRES_URL`` (default: 127.0.0.1:5432, user postgres); the
suite creates its own database there and drops it at the end. Where the server cannot be reached
the PostgreSQL half is skipped, except under ``CI=true``, where that fails the run.

The catalog is the tests' own, frozen in ``tests/workflows/`` (see its README): the county's
``workflows/`` gets corrected, and that must not break the tests of the code. Only the tests of
the shipped catalog itself read ``workflows/`` (``COUNTY_WORKFLOWS``, ``county_workflows``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import delete
from werkzeug.security import generate_password_hash

from service import create_app
from service.access import attempts
from service.access.models import User, UserDepartment
from service.access.operations import PASSWORD_METHOD, issue_token
from service.access.recent_tokens import recent_tokens
from service.access.roles import Role
from service.catalog.definitions import load_catalog
from service.catalog.operations import publish
from service.core.config import PROJECT_ROOT
from service.core.database import db
from service.core.limits import limiter
from service.workdays.models import CalendarDay, CalendarYear
from service.workdays.operations import seed_from_library
from service.workdays.schedules import library_schedules
from tests.browsing import browser, desk, live  # noqa: F401  (fixtures: one Chromium per worker)

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ("sqlite", "postgresql")
# Row locks and real concurrency: SQLite lets one writer in at a time, so these run on PostgreSQL.
postgresql_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def postgres_admin() -> psycopg.Connection:
    return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)


def require_postgres() -> None:
    try:
        postgres_admin().close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def create_database(tmp_path: Path, backend: str) -> tuple[str, callable]:
    """A new empty database: its URL and a function that drops it."""
    if backend == "sqlite":
        path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    require_postgres()
    name = f"onething_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with postgres_admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return _with_database(POSTGRES_URL, name), drop


# The tests' frozen catalog, and the county's (for the tests of the shipped catalog only).
TEST_WORKFLOWS = Path(__file__).resolve().parent / "workflows"
COUNTY_WORKFLOWS = PROJECT_ROOT / "workflows"


# Not the development default: apps made with ONETHING_ENV=production start with it.
TEST_AUDIT_KEY = "an-audit-key-for-the-tests-of-32-bytes"


# Uploaded files of this test process: never the instance folder, which the developer's server
# uses. A test that counts files gives itself a store of its own (tests/online/conftest.py).
TEST_UPLOADS = tempfile.mkdtemp(prefix="onething-test-uploads-")
atexit.register(shutil.rmtree, TEST_UPLOADS, ignore_errors=True)


def make_app(url: str, **config):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "WORKFLOWS_DIR": TEST_WORKFLOWS, "AUDIT_KEY": TEST_AUDIT_KEY,
                       "UPLOAD_DIR": TEST_UPLOADS, **config})


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend, tmp_path_factory) -> Iterator[str]:
    """One migrated database per backend for the whole session."""
    url, drop = create_database(tmp_path_factory.mktemp("db"), backend)
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        seed_from_library()
        db.session.commit()
        db.engine.dispose()
    yield url
    drop()


@pytest.fixture(scope="session")
def catalog():
    """The tests' frozen catalog (tests/workflows/): three bundles docs/DOMAIN.md describes
    (newborn, restaurant, company_closure) and a service commitment without a statutory limit
    (utility_connection), with their items, quick to publish before every test. No database."""
    return load_catalog(TEST_WORKFLOWS)


@pytest.fixture(scope="session")
def session_app(database_url):
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


# The holiday calendar is reference data, seeded once per session from the library; a test that
# stores another year has it removed afterwards.
KEPT = {"calendar_years", "calendar_days"}
LIBRARY_YEARS = max(library_schedules())


@pytest.fixture
def app(session_app):
    """The app on the session's database, emptied after the test."""
    yield session_app
    limiter.reset()
    attempts.reset(session_app)
    with session_app.app_context():
        recent_tokens().forget()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in KEPT:
                    connection.execute(table.delete())
            for model in (CalendarDay, CalendarYear):
                connection.execute(delete(model).where(model.year > LIBRARY_YEARS))


@pytest.fixture
def loaded(app, catalog):
    """The tests' catalog, published."""
    with app.app_context():
        publish(catalog)
        db.session.commit()
    return catalog


# Passwords are hashed once per session: scrypt is slow on purpose.
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def password_hash():
    return generate_password_hash(PASSWORD, method=PASSWORD_METHOD)


@dataclass
class Staff:
    """One account of each role, with a bearer token; the reviewer works for the tax office."""

    tokens: dict[str, str]

    def headers(self, role: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


STAFF = {  # username: (role, departments: None for none, "*" for every published one)
    "clerk": (Role.CLERK, None),
    "reviewer": (Role.REVIEWER, ["tax"]),
    "supervisor": (Role.SUPERVISOR, "*"),
    "admin": (Role.ADMIN, None),
    "leader": (Role.LEADER, None),
}


def make_staff(app, departments: list[str], password_hash: str, prefix: str = "") -> Staff:
    """One account of each role (usernames ``prefix`` + role), each with a token."""
    tokens = {}
    with app.app_context():
        for username, (role, scope) in STAFF.items():
            if scope == "*":
                codes = departments
            elif scope:  # a reviewer: their office if published, else the first department
                codes = [code for code in scope if code in departments] or departments[:1]
            else:
                codes = []
            user = User(username=prefix + username, display_name=username.title(), role=role,
                        password_hash=password_hash,
                        departments=[UserDepartment(department_code=code) for code in codes])
            db.session.add(user)
            db.session.flush()
            tokens[username] = issue_token(user, "tests", days=3650)[1]  # time travels far
        db.session.commit()
    return Staff(tokens)


@pytest.fixture
def staff(app, loaded, password_hash) -> Staff:
    return make_staff(app, list(loaded.departments), password_hash)


def staff_client(app, staff: Staff):
    """A test client acting as the window clerk (``staff.headers(role)`` for another role)."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {staff.tokens['clerk']}"
    client.staff = staff
    return client


@pytest.fixture
def client(app, loaded, staff):
    return staff_client(app, staff)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def county_workflows(app, monkeypatch) -> Path:
    """For a test of the shipped catalog: ``flask catalog …`` reads ``workflows/`` instead of the
    tests' catalog, for this test only."""
    monkeypatch.setitem(app.config, "WORKFLOWS_DIR", COUNTY_WORKFLOWS)
    return COUNTY_WORKFLOWS
