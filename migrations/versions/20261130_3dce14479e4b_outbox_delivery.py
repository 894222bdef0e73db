"""The outbox is delivered (issue 20): each message has a status (pending, leased to a delivery
until its lease expires, sent, or dead after its last try), the tries made, when the next is due
and the last error. Messages already marked sent are 'sent'; the others wait as 'pending'.

Revision ID: 3dce14479e4b
Revises: c7d4e9a1b230
Create Date: 2026-11-30 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3dce14479e4b'
down_revision = 'c7d4e9a1b230'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('status', sa.String(length=10), nullable=False,
                                   server_default='pending'))
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                   server_default=sa.text('0')))
        batch.add_column(sa.Column('lease_expires_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch.create_check_constraint(
            op.f('ck_outbox_messages_status'),
            "status IN ('pending', 'leased', 'sent', 'dead')")
        batch.drop_index('ix_outbox_messages_unsent')
        batch.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'])
    op.execute("UPDATE outbox_messages SET status = 'sent' WHERE sent_at IS NOT NULL")


def downgrade():
    # A message that was leased or had died was not sent: it stays unsent (sent_at null).
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_index('ix_outbox_messages_due')
        batch.create_index('ix_outbox_messages_unsent', ['sent_at', 'id'])
        batch.drop_constraint(op.f('ck_outbox_messages_status'), type_='check')
        batch.drop_column('last_error')
        batch.drop_column('next_attempt_at')
        batch.drop_column('lease_expires_at')
        batch.drop_column('attempts')
        batch.drop_column('status')
