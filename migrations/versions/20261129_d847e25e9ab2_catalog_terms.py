"""Departments carry their level, items their kind (issue 11, the catalog's definitions).

Both columns are nullable: rows loaded before they existed keep no level or kind until
`flask catalog load` runs again, and an item the catalog does not classify has no kind. The rest
of the new definitions (legal basis, fees, typed form fields, categories, derived statutory
limits) lives in the definitions and snapshots, which are JSON.

Revision ID: d847e25e9ab2
Revises: acfa6433e5e5
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd847e25e9ab2'
down_revision = 'acfa6433e5e5'
branch_labels = None
depends_on = None

LEVELS = ('county', 'township', 'city', 'vertical', 'enterprise')
KINDS = ('licence', 'registration', 'filing', 'confirmation', 'public_service')


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


# Both tables are referenced by foreign keys (service_items and user_departments name a
# department), so SQLite must not rebuild them, as batch mode would to add a CHECK constraint:
# it refuses to drop a referenced table. SQLite adds and drops a column carrying its own CHECK
# constraint in place; PostgreSQL alters the table as usual.
COLUMNS = (('departments', 'level', LEVELS), ('service_items', 'kind', KINDS))


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, values in COLUMNS:
        check = f'ck_{table}_{column}'
        if sqlite:
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} VARCHAR(20) '
                       f'CONSTRAINT {check} CHECK ({_one_of(column, values)})')
        else:
            op.add_column(table, sa.Column(column, sa.String(length=20), nullable=True))
            op.create_check_constraint(op.f(check), table, _one_of(column, values))


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column, _ in reversed(COLUMNS):
        if sqlite:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        else:
            op.drop_constraint(op.f(f'ck_{table}_{column}'), table, type_='check')
            op.drop_column(table, column)
