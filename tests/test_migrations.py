"""The migrations build exactly the schema the models describe, and undo it, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
