"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at ``TEST_POSTGRES_URL`` (default: 127.0.0.1:5432, user postgres); the
suite creates its own database there and drops it at the end. Where the server cannot be reached
the PostgreSQL half is skipped, except under ``CI=true``, where that fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import delete

from service import create_app
from service.catalog.definitions import load_catalog
from service.catalog.operations import publish
from service.config import PROJECT_ROOT
from service.database import db
from service.workdays.models import CalendarDay, CalendarYear
from service.workdays.operations import seed_from_library
from service.workdays.schedules import library_schedules

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


def make_app(url: str, **config):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})


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


CORE_BUNDLES = ("newborn", "restaurant", "company_closure")


@pytest.fixture(scope="session")
def full_catalog():
    return load_catalog(PROJECT_ROOT / "workflows")


@pytest.fixture(scope="session")
def catalog(full_catalog):
    """The three bundles DOMAIN.md describes, with their items: what most tests need, quick to
    publish before every test. The whole county catalog has tests of its own."""
    return full_catalog.subset(CORE_BUNDLES)


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
    with session_app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in KEPT:
                    connection.execute(table.delete())
            for model in (CalendarDay, CalendarYear):
                connection.execute(delete(model).where(model.year > LIBRARY_YEARS))


@pytest.fixture
def loaded(app, catalog):
    """The repository's catalog, published."""
    with app.app_context():
        publish(catalog)
        db.session.commit()
    return catalog


@pytest.fixture
def client(app, loaded):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
