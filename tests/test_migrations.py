"""The migrations build exactly the schema the models describe, and undo it, on both databases."""

import json
from contextlib import contextmanager
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, inspect, text

from service.core.config import PROJECT_ROOT
from service.core.database import db
from tests.conftest import create_database, make_app

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def test_migrations_match_the_models_and_downgrade_to_nothing(backend, tmp_path):
    url, drop = create_database(tmp_path, backend)
    app = make_app(url)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection, opts={"compare_type": True}),
                    db.metadata)
            assert differences == []

            downgrade(directory=MIGRATIONS, revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

            upgrade(directory=MIGRATIONS)
            assert set(inspect(db.engine).get_table_names()) == (
                {table.name for table in db.metadata.sorted_tables} | {"alembic_version"})
            db.engine.dispose()
    finally:
        drop()


@contextmanager
def _database_at(backend: str, tmp_path, revision: str):
    """A new database migrated up to ``revision``, in the app's context; dropped afterwards."""
    url, drop = create_database(tmp_path, backend)
    app = make_app(url)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision=revision)
            yield
            db.engine.dispose()
    finally:
        drop()


BEFORE_ACTORS = "d4719eeb1dc9"  # the revision before events had typed actors


def _insert(connection, table: str, **values) -> None:
    reflected = Table(table, MetaData(), autoload_with=connection)
    connection.execute(reflected.insert(), values)


def _one_bundle_version(connection, now: datetime) -> None:
    """Bundle "b", version 1 (id 1): what an application row needs to point at."""
    _insert(connection, "bundles", code="b", name="B", latest_version=1)
    _insert(connection, "bundle_versions", id=1, bundle_code="b", version=1, digest="0" * 64,
            definition={}, published_at=now)


def test_event_actors_migrate_up_and_down_keeping_every_row(backend, tmp_path):
    now = datetime(2026, 11, 20, 2, tzinfo=UTC)
    with _database_at(backend, tmp_path, BEFORE_ACTORS):
        with db.engine.begin() as connection:
            _one_bundle_version(connection, now)
            _insert(connection, "applications", id=1, number="20261120000001",
                    bundle_version_id=1, bundle_code="b", state="submitted",
                    channel="window", applicant_kind="person", applicant_name="李明",
                    applicant_id_number="11010519491231002X", contact_phone="13800138000",
                    form={}, materials_handed_in=[], materials_missing=[],
                    delivery_method="window", query_code_hash="x", created_at=now,
                    updated_at=now, lock_version=1)
            _insert(connection, "users", id=7, username="window", display_name="王芳",
                    password_hash="x", role="clerk", active=True, created_at=now)
            for event_id, actor in enumerate(("window", "system", "citizen", "demo-clerk"), 1):
                _insert(connection, "events", id=event_id, application_id=1,
                        trigger="submit", to_state="submitted", actor=actor, data={},
                        created_at=now)

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            events = connection.execute(text(
                "SELECT e.id, e.actor_kind, u.username, u.active FROM events e "
                "LEFT JOIN users u ON u.id = e.actor_user_id ORDER BY e.id")).all()
        assert [tuple(row) for row in events] == [
            (1, "staff", "window", True), (2, "system", None, None),
            (3, "applicant", None, None),
            (4, "staff", "demo-clerk", False)]  # kept, by an inactive account of its own

        downgrade(directory=MIGRATIONS, revision=BEFORE_ACTORS)
        with db.engine.connect() as connection:
            actors = connection.execute(text("SELECT actor FROM events ORDER BY id")).all()
        assert [row.actor for row in actors] == ["window", "system", "citizen", "demo-clerk"]


BEFORE_CATALOG_TERMS = "acfa6433e5e5"  # the revision before departments' levels, items' kinds


def test_catalog_terms_migrate_up_and_down_keeping_departments_and_items(backend, tmp_path):
    with _database_at(backend, tmp_path, BEFORE_CATALOG_TERMS):
        with db.engine.begin() as connection:
            _insert(connection, "departments", code="tax", name="国家税务总局县税务局")
            _insert(connection, "service_items", code="tax_deregistration", name="税务注销",
                    department_code="tax", definition={"code": "tax_deregistration"})

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            department = connection.execute(text(
                "SELECT code, name, level FROM departments")).one()
            item = connection.execute(text("SELECT code, kind FROM service_items")).one()
        # Kept, with no level or kind until the catalog is loaded again.
        assert tuple(department) == ("tax", "国家税务总局县税务局", None)
        assert tuple(item) == ("tax_deregistration", None)
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE departments SET level = 'vertical'"))

        downgrade(directory=MIGRATIONS, revision=BEFORE_CATALOG_TERMS)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT code FROM departments")).scalar() == "tax"
            assert connection.execute(text("SELECT code FROM service_items")).scalar() == (
                "tax_deregistration")


BEFORE_STEP_RECORDS = "9a3c7d1e2f40"  # the revision before results, visits and noted notices


def _json(value):
    """A JSON column read by plain SQL: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def test_step_records_migrate_up_and_down_keeping_every_row(backend, tmp_path):
    """Notices of bare codes become materials without a note; visits are rebuilt from the
    history (a window intake, a correction handed in by staff, a collection at the window)."""
    now = datetime(2026, 11, 20, 2, tzinfo=UTC)
    with _database_at(backend, tmp_path, BEFORE_STEP_RECORDS):
        with db.engine.begin() as connection:
            _one_bundle_version(connection, now)
            _insert(connection, "users", id=7, username="window", display_name="王芳",
                    password_hash="x", role="clerk", active=True, created_at=now)
            for application_id, channel in ((1, "window"), (2, "online")):
                _insert(connection, "applications", id=application_id,
                        number=f"2026112000000{application_id}", bundle_version_id=1,
                        bundle_code="b", state="delivered", outcome="approved",
                        channel=channel, applicant_kind="person", applicant_name="李明",
                        applicant_id_number="11010519491231002X",
                        contact_phone="13800138000", form={}, materials_handed_in=[],
                        materials_missing=[], delivery_method=channel.replace(
                            "online", "electronic"), query_code_hash="x", created_at=now,
                        updated_at=now, lock_version=1)
            staff = {"actor_kind": "staff", "actor_user_id": 7}
            applicant = {"actor_kind": "applicant", "actor_user_id": None}
            for event_id, (application_id, trigger, actor, data) in enumerate([
                    (1, "submit", staff, {"channel": "window"}),
                    (1, "request_correction", staff, {"missing": ["photo", "record"]}),
                    (1, "supplement", staff, {"materials": ["photo", "record"]}),
                    (1, "deliver", staff, {"method": "window"}),
                    (2, "submit", applicant, {"channel": "online"}),
                    (2, "request_correction", staff, {"missing": ["photo"]}),
                    (2, "supplement", applicant, {"materials": ["photo"]}),
                    (2, "deliver", staff, {})], 1):
                _insert(connection, "events", id=event_id, application_id=application_id,
                        trigger=trigger, to_state="x", data=data, created_at=now, **actor)

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            notices = connection.execute(text(
                "SELECT data FROM events WHERE trigger = 'request_correction' "
                "ORDER BY id")).scalars().all()
            notices = [_json(notice) for notice in notices]
            visits = connection.execute(text(
                "SELECT application_id, kind, clerk_user_id FROM visits "
                "ORDER BY application_id, id")).all()
        assert notices == [
            {"missing": [{"material": "photo", "note": None},
                         {"material": "record", "note": None}]},
            {"missing": [{"material": "photo", "note": None}]}]
        assert [tuple(row) for row in visits] == [
            (1, "intake", 7), (1, "correction", 7), (1, "delivery", 7)]

        downgrade(directory=MIGRATIONS, revision=BEFORE_STEP_RECORDS)
        with db.engine.connect() as connection:
            notices = connection.execute(text(
                "SELECT data FROM events WHERE trigger = 'request_correction' "
                "ORDER BY id")).scalars().all()
            notices = [_json(notice) for notice in notices]
            count = connection.execute(text("SELECT count(*) FROM applications")).scalar()
        assert notices == [{"missing": ["photo", "record"]}, {"missing": ["photo"]}]
        assert count == 2
        assert not {"visits", "item_results"} & set(inspect(db.engine).get_table_names())


BEFORE_DASHBOARD = "fb2db7905e5a"  # the revision before the leader role and stored turnarounds


def test_the_dashboard_migration_keeps_accounts_and_backfills_turnarounds(backend, tmp_path):
    now = datetime(2026, 10, 9, 2, tzinfo=UTC)
    with _database_at(backend, tmp_path, BEFORE_DASHBOARD):
        with db.engine.begin() as connection:
            _one_bundle_version(connection, now)
            _insert(connection, "departments", code="tax", name="国家税务总局县税务局",
                    definition={"code": "tax"})
            _insert(connection, "users", id=7, username="head", display_name="王芳",
                    password_hash="x", role="supervisor", active=True, created_at=now)
            _insert(connection, "user_departments", user_id=7, department_code="tax")
            _insert(connection, "api_tokens", user_id=7, name="t", token_hash="0" * 64,
                    prefix="ot_0", created_at=now, expires_at=now)
            _insert(connection, "calendar_years", year=2026, source="test", updated_at=now)
            for day in range(1, 8):  # the National Day holiday, then a make-up Saturday
                _insert(connection, "calendar_days", day=date(2026, 10, day), year=2026,
                        kind="holiday", name="国庆节")
            _insert(connection, "calendar_days", day=date(2026, 10, 10), year=2026,
                    kind="workday", name="国庆节调休")
            for key, concluded_at in ((1, datetime(2026, 10, 9, 17, tzinfo=UTC)), (2, None)):
                _insert(connection, "applications", id=key, number=f"2026092900000{key}",
                        bundle_version_id=1, bundle_code="b", state="submitted",
                        channel="window", applicant_kind="person", applicant_name="李明",
                        applicant_id_number="11010519491231002X", contact_phone="13800138000",
                        form={}, materials_handed_in=[], materials_missing=[],
                        delivery_method="window", query_code_hash="x", created_at=now,
                        updated_at=now, lock_version=1, accepted_on=date(2026, 9, 29),
                        concluded_at=concluded_at)

        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, concluded_on, turnaround_days "
                                           "FROM applications ORDER BY id")).all()
            # Concluded on 10 October in China (17:00 UTC): 30 September, 8, 9 and 10 October.
            assert [(key, str(day) if day else None, days) for key, day, days in rows] == [
                (1, "2026-10-10", 4), (2, None, None)]
            assert connection.execute(text("SELECT count(*) FROM user_departments")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 1
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE users SET role = 'leader' WHERE id = 7"))

        downgrade(directory=MIGRATIONS, revision=BEFORE_DASHBOARD)
        with db.engine.connect() as connection:
            assert tuple(connection.execute(text("SELECT role, active FROM users")).one()) == (
                "clerk", False)
            assert connection.execute(text("SELECT count(*) FROM user_departments")).scalar() == 1
