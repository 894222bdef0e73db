"""What the steps record: the results approved items issue, the applicant's visits, the post's
tracking number; correction notices list materials with notes.

Existing rows are kept. Correction notices recorded before notes existed become materials
without a note. Visits are rebuilt from the history: an intake at the window, every correction
handed in by staff, every delivery of an application collected at the window. Approvals
recorded before results existed have none (nothing records what they issued).

Revision ID: acfa6433e5e5
Revises: 9a3c7d1e2f40
Create Date: 2026-11-29 17:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'acfa6433e5e5'
down_revision = '9a3c7d1e2f40'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
EVENTS = sa.table('events', sa.column('id', sa.Integer), sa.column('trigger', sa.String),
                  sa.column('data', JSON_DOCUMENT))


def upgrade():
    with op.batch_alter_table('applications') as batch_op:
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=64), nullable=True))

    op.create_table('item_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from',
                       name=op.f('ck_item_results_validity')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_item_results_application_id_applications')),
    sa.ForeignKeyConstraint(['item_id'], ['application_items.id'],
                            name=op.f('fk_item_results_item_id_application_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_results')),
    sa.UniqueConstraint('item_id', name=op.f('uq_item_results_item_id'))
    )
    with op.batch_alter_table('item_results') as batch_op:
        batch_op.create_index(batch_op.f('ix_item_results_application_id'), ['application_id'],
                              unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clerk_user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('intake', 'correction', 'delivery')",
                       name=op.f('ck_visits_kind')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_visits_application_id_applications')),
    sa.ForeignKeyConstraint(['clerk_user_id'], ['users.id'],
                            name=op.f('fk_visits_clerk_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits') as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_application_id'), ['application_id'],
                              unique=False)

    connection = op.get_bind()
    _rewrite_notices(connection, lambda code: {'material': code, 'note': None})
    connection.execute(sa.text(
        "INSERT INTO visits (application_id, kind, at, clerk_user_id) "
        "SELECT a.id, 'intake', a.created_at, (SELECT e.actor_user_id FROM events e "
        "WHERE e.application_id = a.id AND e.trigger = 'submit' ORDER BY e.id LIMIT 1) "
        "FROM applications a WHERE a.channel = 'window' ORDER BY a.id"))
    connection.execute(sa.text(
        "INSERT INTO visits (application_id, kind, at, clerk_user_id) "
        "SELECT e.application_id, 'correction', e.created_at, e.actor_user_id FROM events e "
        "WHERE e.trigger = 'supplement' AND e.actor_kind = 'staff' ORDER BY e.id"))
    connection.execute(sa.text(
        "INSERT INTO visits (application_id, kind, at, clerk_user_id) "
        "SELECT e.application_id, 'delivery', e.created_at, e.actor_user_id FROM events e "
        "JOIN applications a ON a.id = e.application_id "
        "WHERE e.trigger = 'deliver' AND a.delivery_method = 'window' ORDER BY e.id"))


def _rewrite_notices(connection, entry) -> None:
    """Each correction notice's ``missing`` list, one entry at a time."""
    notices = connection.execute(sa.select(EVENTS.c.id, EVENTS.c.data)
                                 .where(EVENTS.c.trigger == 'request_correction')).all()
    for notice in notices:
        data = dict(notice.data or {})
        if 'missing' not in data:
            continue
        data['missing'] = [entry(each) for each in data['missing']]
        connection.execute(EVENTS.update().where(EVENTS.c.id == notice.id).values(data=data))


def downgrade():
    connection = op.get_bind()
    # Back to bare codes: the notes are lost, as the old schema had nowhere to keep them.
    _rewrite_notices(connection,
                     lambda each: each['material'] if isinstance(each, dict) else each)
    op.drop_table('visits')
    op.drop_table('item_results')
    if connection.dialect.name == 'sqlite':
        # Not by batch: copying the table would drop the one every other table refers to, which
        # its foreign keys refuse while they hold rows. SQLite drops a column since 3.35.
        op.execute('ALTER TABLE applications DROP COLUMN tracking_number')
    else:
        op.drop_column('applications', 'tracking_number')
