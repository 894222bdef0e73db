"""An application's history records its migration to another version of its bundle (issue 15):
a new event kind, 'migrate_version'.

Revision ID: b7e2d94c1a60
Revises: c4d1e8a2f6b3
Create Date: 2026-11-29 22:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2d94c1a60'
down_revision = 'c4d1e8a2f6b3'
branch_labels = None
depends_on = None

EVENT_KINDS = ('accept', 'request_correction', 'refuse', 'supplement', 'withdraw',
               'start_review', 'approve', 'deny', 'pause', 'resume', 'extend', 'deliver', 'open',
               'cancel', 'conclude', 'close_withdrawn', 'submit', 'rate', 'warn_yellow',
               'warn_red', 'warn_statutory', 'recompute_deadlines')


def _trigger_in(kinds) -> str:
    return f"trigger IN ({', '.join(repr(kind) for kind in kinds)})"


def _check(kinds) -> None:
    with op.batch_alter_table('events') as batch:
        batch.drop_constraint(op.f('ck_events_trigger'), type_='check')
        batch.create_check_constraint(op.f('ck_events_trigger'), _trigger_in(kinds))


def upgrade():
    _check(EVENT_KINDS + ('migrate_version',))


def downgrade():
    op.execute("DELETE FROM events WHERE trigger = 'migrate_version'")
    _check(EVENT_KINDS)
