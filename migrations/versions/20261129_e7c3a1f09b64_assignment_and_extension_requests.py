"""Departments' work (issue 13): who works an item (assigned by the department's supervisor or
taken by a reviewer), extension requests with their supervisor's decision, and the indexes of a
department's lists (its items to decide by deadline, its week's items opened and decided).

Revision ID: e7c3a1f09b64
Revises: b51e0c7a94d2
Create Date: 2026-11-29 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7c3a1f09b64'
down_revision = 'b51e0c7a94d2'
branch_labels = None
depends_on = None

STATES = ('pending', 'approved', 'refused')
FOREIGN_KEY = 'fk_application_items_assignee_user_id_users'
WORKING = "state IN ('open', 'reviewing', 'paused', 'correction')"


def upgrade():
    # application_items is referenced by foreign keys: SQLite must not rebuild it (batch mode
    # would), so it gets the column in place, its foreign key inline (which Alembic cannot say).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"ALTER TABLE application_items ADD COLUMN assignee_user_id INTEGER "
                   f"CONSTRAINT {FOREIGN_KEY} REFERENCES users (id)")
    else:
        op.add_column('application_items',
                      sa.Column('assignee_user_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, 'application_items', 'users',
                              ['assignee_user_id'], ['id'])
    op.add_column('application_items', sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_application_items_assignee_state', 'application_items',
                    ['assignee_user_id', 'state'])
    op.create_index('ix_application_items_working_department_due', 'application_items',
                    ['department_code', 'committed_due', 'id'],
                    postgresql_where=sa.text(WORKING), sqlite_where=sa.text(WORKING))
    op.create_index('ix_application_items_department_opened_at', 'application_items',
                    ['department_code', 'opened_at'])
    op.create_index('ix_application_items_department_decided_at', 'application_items',
                    ['department_code', 'decided_at'])
    op.create_table(
        'extension_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('requested_by_user_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.CheckConstraint('days > 0', name=op.f('ck_extension_requests_days')),
        sa.CheckConstraint("(state = 'pending') = (decided_at IS NULL)",
                           name=op.f('ck_extension_requests_decided')),
        sa.CheckConstraint(f"state IN ({', '.join(repr(value) for value in STATES)})",
                           name=op.f('ck_extension_requests_state')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_extension_requests_application_id_applications')),
        sa.ForeignKeyConstraint(['item_id'], ['application_items.id'],
                                name=op.f('fk_extension_requests_item_id_application_items')),
        sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'],
                                name=op.f('fk_extension_requests_requested_by_user_id_users')),
        sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'],
                                name=op.f('fk_extension_requests_decided_by_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_requests')),
    )
    op.create_index('ix_extension_requests_application_id', 'extension_requests',
                    ['application_id'])
    op.create_index('ix_extension_requests_item_id_state', 'extension_requests',
                    ['item_id', 'state'])
    op.create_index('ix_extension_requests_state', 'extension_requests', ['state'])


def downgrade():
    op.drop_table('extension_requests')
    for index in ('ix_application_items_department_decided_at',
                  'ix_application_items_department_opened_at',
                  'ix_application_items_working_department_due',
                  'ix_application_items_assignee_state'):
        op.drop_index(index, table_name='application_items')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(FOREIGN_KEY, 'application_items', type_='foreignkey')
    # SQLite drops a column with its inline foreign key in place (3.35+).
    op.drop_column('application_items', 'assigned_at')
    op.drop_column('application_items', 'assignee_user_id')
