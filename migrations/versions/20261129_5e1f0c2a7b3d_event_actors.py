"""Events name the kind of actor and, for staff, the user; event kinds and pause causes are
checked against their vocabularies.

Existing rows keep their meaning: 'system' becomes the system, 'citizen' the applicant, and any
other name the member of staff with that username. A name with no account (the old demo data
wrote 'demo-clerk') gets an inactive account of its own, so the history still names who acted.

Revision ID: 5e1f0c2a7b3d
Revises: d4719eeb1dc9
Create Date: 2026-11-29 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2a7b3d'
down_revision = 'd4719eeb1dc9'
branch_labels = None
depends_on = None

EVENT_KINDS = ('accept', 'request_correction', 'refuse', 'supplement', 'withdraw',
               'start_review', 'approve', 'deny', 'pause', 'resume', 'extend', 'deliver', 'open',
               'cancel', 'conclude', 'close_withdrawn', 'submit', 'rate', 'warn_yellow',
               'warn_red', 'warn_statutory', 'recompute_deadlines')
CLOCK_STOPS = ('hearing', 'testing', 'inspection', 'quarantine', 'appraisal', 'expert_review',
               'tender_auction', 'other', 'correction')
ACTOR_KINDS = ('staff', 'applicant', 'system')


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('actor_kind', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('actor_user_id', sa.Integer(), nullable=True))

    connection = op.get_bind()
    # Names in the history without an account: an inactive account each, unusable password.
    connection.execute(sa.text(
        "INSERT INTO users (username, display_name, password_hash, role, active, created_at) "
        "SELECT DISTINCT e.actor, e.actor, '!', 'clerk', :inactive, CURRENT_TIMESTAMP "
        "FROM events e WHERE e.actor NOT IN ('system', 'citizen') "
        "AND NOT EXISTS (SELECT 1 FROM users u WHERE u.username = e.actor)"),
        {"inactive": False})
    connection.execute(sa.text("UPDATE events SET actor_kind = 'system' WHERE actor = 'system'"))
    connection.execute(sa.text(
        "UPDATE events SET actor_kind = 'applicant' WHERE actor = 'citizen'"))
    connection.execute(sa.text(
        "UPDATE events SET actor_kind = 'staff', actor_user_id = "
        "(SELECT u.id FROM users u WHERE u.username = events.actor) "
        "WHERE actor NOT IN ('system', 'citizen')"))

    with op.batch_alter_table('events') as batch:
        batch.alter_column('actor_kind', existing_type=sa.String(length=10), nullable=False)
        batch.create_foreign_key(op.f('fk_events_actor_user_id_users'), 'users',
                                 ['actor_user_id'], ['id'])
        batch.create_check_constraint(op.f('ck_events_actor_kind'),
                                      _one_of('actor_kind', ACTOR_KINDS))
        batch.create_check_constraint(op.f('ck_events_actor'),
                                      "(actor_kind = 'staff') = (actor_user_id IS NOT NULL)")
        batch.create_check_constraint(op.f('ck_events_trigger'), _one_of('trigger', EVENT_KINDS))
        batch.drop_column('actor')
    with op.batch_alter_table('paused_spans') as batch:
        batch.create_check_constraint(op.f('ck_paused_spans_cause'), _one_of('cause', CLOCK_STOPS))


def downgrade():
    with op.batch_alter_table('paused_spans') as batch:
        batch.drop_constraint(op.f('ck_paused_spans_cause'), type_='check')
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('actor', sa.String(length=100), nullable=True))
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE events SET actor = CASE actor_kind WHEN 'system' THEN 'system' "
        "WHEN 'applicant' THEN 'citizen' "
        "ELSE (SELECT u.username FROM users u WHERE u.id = events.actor_user_id) END"))
    with op.batch_alter_table('events') as batch:
        batch.alter_column('actor', existing_type=sa.String(length=100), nullable=False)
        batch.drop_constraint(op.f('ck_events_trigger'), type_='check')
        batch.drop_constraint(op.f('ck_events_actor'), type_='check')
        batch.drop_constraint(op.f('ck_events_actor_kind'), type_='check')
        batch.drop_constraint(op.f('fk_events_actor_user_id_users'), type_='foreignkey')
        batch.drop_column('actor_user_id')
        batch.drop_column('actor_kind')
