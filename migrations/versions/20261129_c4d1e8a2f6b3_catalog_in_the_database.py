"""The catalog lives in the database after its first load (issue 14): materials and form fields
get tables of their own, every catalog entry records where its current definition was made
(YAML or the browser) and the digest of its YAML when last loaded, departments keep their
definition like the other entries, and bundles are drafted in the browser.

Revision ID: c4d1e8a2f6b3
Revises: a93c5e0d7b18
Create Date: 2026-11-29 21:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'c4d1e8a2f6b3'
down_revision = 'a93c5e0d7b18'
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
CHECK = "source IN ('yaml', 'browser')"


def _entry_table(name: str, title: str) -> None:
    op.create_table(
        name,
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column(title, sa.String(length=200), nullable=False),
        sa.Column('definition', DOCUMENT, nullable=False),
        sa.Column('yaml_digest', sa.String(length=64), nullable=True),
        sa.Column('source', sa.String(length=10), server_default='yaml', nullable=False),
        sa.CheckConstraint(CHECK, name=op.f(f'ck_{name}_source')),
        sa.PrimaryKeyConstraint('code', name=op.f(f'pk_{name}')),
    )


def _add_tracking(table: str) -> None:
    # Both tables are referenced by foreign keys: SQLite must not rebuild them (batch mode
    # would), so the columns are added in place, the CHECK constraint inline.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE {table} ADD COLUMN source VARCHAR(10) DEFAULT 'yaml' "
                   f"NOT NULL CONSTRAINT ck_{table}_source CHECK ({CHECK})")
    else:
        op.add_column(table, sa.Column('source', sa.String(length=10), server_default='yaml',
                                       nullable=False))
        op.create_check_constraint(f'ck_{table}_source', table, CHECK)
    op.add_column(table, sa.Column('yaml_digest', sa.String(length=64), nullable=True))


def upgrade():
    _entry_table('materials', 'name')
    _entry_table('form_fields', 'label')
    _add_tracking('service_items')
    _add_tracking('departments')
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:  # NOT NULL needs a default to be added in place; every row is filled below
        op.execute("ALTER TABLE departments ADD COLUMN definition JSON NOT NULL DEFAULT '{}'")
    else:
        op.add_column('departments', sa.Column('definition', DOCUMENT, nullable=True))
    departments = sa.table('departments', sa.column('code', sa.String), sa.column('name', sa.String),
                           sa.column('level', sa.String), sa.column('definition', DOCUMENT))
    bind = op.get_bind()
    for code, name, level in bind.execute(sa.select(departments.c.code, departments.c.name,
                                                    departments.c.level)).all():
        bind.execute(departments.update().where(departments.c.code == code).values(
            definition={'code': code, 'name': name, 'level': level}))
    if not sqlite:
        op.alter_column('departments', 'definition', nullable=False)
    op.create_table(
        'bundle_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bundle_code', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('prompted_by', sa.String(length=500), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_bundle_drafts_created_by_id_users')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_bundle_drafts_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bundle_drafts')),
        sa.UniqueConstraint('bundle_code', name=op.f('uq_bundle_drafts_bundle_code')),
    )


def downgrade():
    op.drop_table('bundle_drafts')
    for table in ('departments', 'service_items'):
        if table == 'departments':
            op.drop_column(table, 'definition')
        op.drop_column(table, 'yaml_digest')
        if op.get_bind().dialect.name != 'sqlite':
            op.drop_constraint(f'ck_{table}_source', table, type_='check')
        op.drop_column(table, 'source')
    op.drop_table('form_fields')
    op.drop_table('materials')
