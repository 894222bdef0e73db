"""The outbox's delivery columns migrate up and down on both databases, keeping every message:
those sent already are 'sent', the others 'pending'; the status is checked by the database."""

from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from service.core.database import db
from tests.test_migrations import MIGRATIONS, _database_at, _insert, _one_bundle_version

REVISION = "3dce14479e4b"  # the outbox's delivery
BEFORE = ScriptDirectory(MIGRATIONS).get_revision(REVISION).down_revision


def test_the_outbox_delivery_migrates_up_and_down_keeping_every_message(backend, tmp_path):
    now = datetime(2026, 12, 1, 2, tzinfo=UTC)
    with _database_at(backend, tmp_path, BEFORE):
        with db.engine.begin() as connection:
            _one_bundle_version(connection, now)
            _insert(connection, "applications", id=1, number="20261201000001",
                    bundle_version_id=1, bundle_code="b", state="submitted", channel="window",
                    applicant_kind="person", applicant_name="李明",
                    applicant_id_number="11010519491231002X", contact_phone="13800138000",
                    form={}, materials_handed_in=[], materials_missing=[],
                    delivery_method="window", query_code_hash="x", created_at=now,
                    updated_at=now, lock_version=1)
            for key, sent_at in ((1, now), (2, None)):
                _insert(connection, "outbox_messages", id=key, application_id=1,
                        recipient_kind="department", recipient="tax", kind="k", payload={},
                        created_at=now, sent_at=sent_at)

        upgrade(directory=MIGRATIONS, revision=REVISION)
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, status, attempts, lease_expires_at, next_attempt_at, last_error "
                "FROM outbox_messages ORDER BY id")).all()
        assert [tuple(each) for each in rows] == [(1, "sent", 0, None, None, None),
                                                  (2, "pending", 0, None, None, None)]
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("UPDATE outbox_messages SET status = 'lost'"))
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE outbox_messages SET status = 'dead' WHERE id = 2"))

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        columns = {column["name"] for column in inspect(db.engine).get_columns("outbox_messages")}
        assert not {"status", "attempts", "lease_expires_at", "next_attempt_at",
                    "last_error"} & columns
        with db.engine.connect() as connection:
            kept = connection.execute(text(
                "SELECT id, sent_at IS NOT NULL FROM outbox_messages ORDER BY id")).all()
        assert [tuple(each) for each in kept] == [(1, True), (2, False)]
