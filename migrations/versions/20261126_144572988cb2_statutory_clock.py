"""The statutory clock: deadlines, pauses, warnings, the holiday calendar, the outbox.

Revision ID: 144572988cb2
Revises: 3b0b5674f565
Create Date: 2026-11-26 07:45:45.358230

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '144572988cb2'
down_revision = '3b0b5674f565'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f('ck_calendar_days_kind')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_days_year'), ['year'], unique=False)

    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=True),
    sa.Column('recipient_kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("recipient_kind IN ('citizen', 'department')", name=op.f('ck_outbox_messages_recipient_kind')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_outbox_messages_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_unsent', ['sent_at', 'id'], unique=False)

    op.create_table('paused_spans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_paused_spans_application_id_applications')),
    sa.ForeignKeyConstraint(['item_id'], ['application_items.id'], name=op.f('fk_paused_spans_item_id_application_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paused_spans'))
    )
    with op.batch_alter_table('paused_spans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paused_spans_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paused_spans_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('committed_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('statutory_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('yellow_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('paused_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('extension_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('warned_level', sa.String(length=10), nullable=True))
        batch_op.drop_constraint(op.f('ck_application_items_state'), type_='check')
        batch_op.create_check_constraint('state', "state IN ('pending', 'open', 'reviewing', 'paused', 'correction', 'approved', 'denied', 'cancelled', 'withdrawn')")
        batch_op.create_check_constraint(
            'warned_level', "warned_level IS NULL OR warned_level IN ('yellow', 'red', 'statutory')")
        batch_op.create_index('ix_application_items_state_committed_due', ['state', 'committed_due'], unique=False)
        batch_op.create_index('ix_application_items_state_yellow_on', ['state', 'yellow_on'], unique=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('correction_notice_late', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('committed_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('statutory_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('yellow_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_provisional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('predicted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paused_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_committed_due'), ['committed_due'], unique=False)




def downgrade():
    
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_committed_due'))
        batch_op.drop_column('concluded_at')
        batch_op.drop_column('paused_days')
        batch_op.drop_column('predicted_on')
        batch_op.drop_column('due_provisional')
        batch_op.drop_column('yellow_on')
        batch_op.drop_column('statutory_due')
        batch_op.drop_column('committed_due')
        batch_op.drop_column('correction_notice_late')
        batch_op.drop_column('accepted_on')

    op.execute("UPDATE application_items SET state = 'reviewing' WHERE state = 'paused'")
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.drop_index('ix_application_items_state_yellow_on')
        batch_op.drop_index('ix_application_items_state_committed_due')
        batch_op.drop_constraint(op.f('ck_application_items_warned_level'), type_='check')
        batch_op.drop_constraint(op.f('ck_application_items_state'), type_='check')
        batch_op.create_check_constraint('state', "state IN ('pending', 'open', 'reviewing', 'correction', 'approved', 'denied', 'cancelled', 'withdrawn')")
        batch_op.drop_column('warned_level')
        batch_op.drop_column('extension_days')
        batch_op.drop_column('paused_days')
        batch_op.drop_column('due_provisional')
        batch_op.drop_column('yellow_on')
        batch_op.drop_column('statutory_due')
        batch_op.drop_column('committed_due')
        batch_op.drop_column('clock_started_on')

    with op.batch_alter_table('paused_spans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paused_spans_item_id'))
        batch_op.drop_index(batch_op.f('ix_paused_spans_application_id'))

    op.drop_table('paused_spans')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_unsent')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_application_id'))

    op.drop_table('outbox_messages')
    op.drop_table('calendar_years')
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_days_year'))

    op.drop_table('calendar_days')

