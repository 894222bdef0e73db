"""The restore drill of docs/DEPLOY.md, performed: a database with applications taken through
their steps is dumped with pg_dump, restored with pg_restore into a new database, and there
`flask audit verify` finds every chain intact, every table with the rows it had. The history
verifies only with the key it was sealed with: the dump alone is not a backup without it."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from service.core.database import db
from tests.audit.helpers import verify, worked
from tests.conftest import IN_CI, create_database, make_app, postgres_admin, postgresql_only
from tests.factories import create, fire


def client_binary(name: str) -> str:
    """pg_dump or pg_restore of this machine, of the server's major version or newer (pg_dump
    refuses a newer server)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: postgresql-client)"
        if IN_CI:
            pytest.fail(message + " (CI=true: the restore drill must run)", pytrace=False)
        pytest.skip(message)
    client = int(re.search(r"(\d+)\.", subprocess.run(
        [path, "--version"], capture_output=True, text=True, check=True).stdout).group(1))
    with postgres_admin() as connection:
        server = int(connection.execute("SHOW server_version_num").fetchone()[0]) // 10000
    assert client >= server, f"{name} {client} cannot dump or restore a PostgreSQL {server} server"
    return path


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        db.session.remove()
        return counts


@pytest.fixture
def histories(client) -> list[str]:
    """Applications at several points of their lives: decided in part, corrected, refused."""
    numbers = [worked(client), worked(client)]
    corrected = create(client, materials=["parent_id_cards", "birth_medical_record"])["number"]
    fire(client, corrected, "request_correction", reason="材料不全")
    fire(client, corrected, "supplement", data={"materials": ["child_photo"]})
    refused = create(client)["number"]
    fire(client, refused, "refuse", reason="不属于本机关职权范围",
         data={"basis": "《中华人民共和国行政许可法》第三十二条"})
    return [*numbers, corrected, refused]


@contextmanager
def app_on(url: str, **config) -> Iterator:
    app = make_app(url, **config)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def new_database(tmp_path) -> Iterator[str]:
    url, drop = create_database(tmp_path, "postgresql")
    yield url
    drop()


@postgresql_only
def test_a_dump_restored_into_a_new_database_verifies_with_every_row(
        app, database_url, histories, runner, tmp_path, new_database):
    pg_dump, pg_restore = client_binary("pg_dump"), client_binary("pg_restore")
    before = verify(runner)
    assert before.exit_code == 0, before.output
    dump = tmp_path / "onething.dump"
    subprocess.run([pg_dump, "--format=custom", "--file", dump, database_url], check=True,
                   capture_output=True, timeout=120)
    subprocess.run([pg_restore, "--no-owner", "--exit-on-error", "--dbname", new_database, dump],
                   check=True, capture_output=True, timeout=120)

    with app_on(new_database) as restored:
        after = verify(restored.test_cli_runner())
        assert after.exit_code == 0, after.output
        assert after.stdout == before.stdout  # the same applications, events and acts
        assert f"ok: {len(histories)} application(s)" in after.stdout
        assert row_counts(restored) == row_counts(app)

    # Restored without its key, the same history cannot be told from a forged one.
    with app_on(new_database, AUDIT_KEY="another-key-of-at-least-32-bytes-long") as keyless:
        refused = verify(keyless.test_cli_runner())
        assert refused.exit_code == 1
        assert all(number in refused.stdout for number in histories)
