"""The migration chains the events recorded before it, in their stored order, with the app's key:
what it chained verifies with the app's own code, and goes on as the app records more. Down,
every event is kept."""

from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from service.core.database import db
from tests.conftest import create_database, make_app
from tests.test_migrations import MIGRATIONS, _insert, _one_bundle_version

BEFORE_CHAINS = "b7e2d94c1a60"


def _application(connection, application_id: int, now: datetime) -> None:
    _insert(connection, "applications", id=application_id,
            number=f"2026112000000{application_id}", bundle_version_id=1, bundle_code="b",
            state="submitted", channel="window", applicant_kind="person", applicant_name="李明",
            applicant_id_number="11010519491231002X", contact_phone="13800138000", form={},
            materials_handed_in=[], materials_missing=[], delivery_method="window",
            query_code_hash="x", created_at=now, updated_at=now, lock_version=1)


def test_existing_events_are_chained_and_verify(backend, tmp_path):
    url, drop = create_database(tmp_path, backend)
    app = make_app(url)
    now = datetime(2026, 11, 20, 2, 30, 15, 123456, tzinfo=UTC)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision=BEFORE_CHAINS)
            with db.engine.begin() as connection:
                _one_bundle_version(connection, now)
                _insert(connection, "users", id=7, username="window", display_name="王芳",
                        password_hash="x", role="clerk", active=True, created_at=now)
                for application_id in (1, 2, 3):
                    _application(connection, application_id, now)
                # Interleaved, as applications are worked side by side; one without events.
                for event_id, (application_id, trigger, data) in enumerate([
                        (1, "submit", {"channel": "window"}), (2, "submit", {"days": 2.0}),
                        (1, "request_correction", {"missing": [{"material": "照片",
                                                                "note": None}]}),
                        (2, "refuse", {"basis": "《行政许可法》"}), (1, "supplement", {})], 1):
                    _insert(connection, "events", id=event_id, application_id=application_id,
                            trigger=trigger, to_state="submitted", actor_kind="staff",
                            actor_user_id=7, data=data,
                            created_at=now + timedelta(minutes=event_id))
            db.engine.dispose()

            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as connection:
                numbered = connection.execute(text(
                    "SELECT id, application_id, seq FROM events ORDER BY id")).all()
                heads = connection.execute(text(
                    "SELECT a.id, a.chain_seq, a.chain_head = (SELECT chain_hash FROM events e "
                    "WHERE e.application_id = a.id AND e.seq = a.chain_seq) "
                    "FROM applications a ORDER BY a.id")).all()
            assert [tuple(row) for row in numbered] == [(1, 1, 1), (2, 2, 1), (3, 1, 2),
                                                        (4, 2, 2), (5, 1, 3)]
            assert [tuple(row)[:2] for row in heads] == [(1, 3), (2, 2), (3, 0)]
            assert [bool(row[2]) for row in heads[:2]] == [True, True]
            db.engine.dispose()

        runner = app.test_cli_runner()
        verified = runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0, verified.output
        assert verified.stdout.startswith("ok: 3 application(s) (5 events)")
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE events SET reason = 'x' WHERE id = 3"))
            db.engine.dispose()
        found = runner.invoke(args=["audit", "verify"])
        assert "20261120000001  edited: event 2 (row 3)" in found.stdout

        with app.app_context():
            downgrade(directory=MIGRATIONS, revision=BEFORE_CHAINS)
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM events")).scalar() == 5
            db.engine.dispose()
    finally:
        drop()
