"""The reform's figures (issue 19): a read-only 'leader' role; each concluded application keeps
the day it concluded (Asia/Shanghai) and its turnaround in working days, so that the figures are
aggregates in SQL; a bad rating's follow-ups.

The applications already concluded get both here: the day from concluded_at (China keeps UTC+8
all year), the working days in (accepted_on, concluded_on] from the stored holiday calendar, by
the rule of service/engine/calendar.py (copied: migrations import no app code).

Revision ID: b4cf17e92810
Revises: fb2db7905e5a
Create Date: 2026-11-30 00:00:00

"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4cf17e92810'
down_revision = 'fb2db7905e5a'
branch_labels = None
depends_on = None

ROLES = ('clerk', 'reviewer', 'supervisor', 'admin')
CHINA = timedelta(hours=8)
APPLICATIONS = sa.table('applications', sa.column('id', sa.Integer),
                        sa.column('accepted_on', sa.Date), sa.column('concluded_at', sa.DateTime),
                        sa.column('concluded_on', sa.Date),
                        sa.column('turnaround_days', sa.Integer))
CALENDAR_DAYS = sa.table('calendar_days', sa.column('day', sa.Date),
                         sa.column('kind', sa.String))


def _roles(roles) -> None:
    # SQLite rebuilds users to change a CHECK: migrations/env.py turns its foreign keys off
    # meanwhile, so that dropping the old table does not cascade to departments and tokens.
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_role'), type_='check')
        batch.create_check_constraint(
            op.f('ck_users_role'), f"role IN ({', '.join(repr(role) for role in roles)})")


def _working_days(start: date, end: date, holidays: set, workdays: set) -> int:
    return sum(1 for offset in range(1, (end - start).days + 1)
               if (day := start + timedelta(days=offset)) in workdays
               or (day.weekday() < 5 and day not in holidays))


def _backfill() -> None:
    bind = op.get_bind()
    special = bind.execute(sa.select(CALENDAR_DAYS.c.day, CALENDAR_DAYS.c.kind)).all()
    holidays = {row.day for row in special if row.kind == 'holiday'}
    workdays = {row.day for row in special if row.kind == 'workday'}
    concluded = bind.execute(sa.select(APPLICATIONS.c.id, APPLICATIONS.c.accepted_on,
                                       APPLICATIONS.c.concluded_at)
                             .where(APPLICATIONS.c.concluded_at.is_not(None))).all()
    rows = []
    for row in concluded:
        moment = row.concluded_at  # UTC; naive from SQLite
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None) - moment.utcoffset()
        day = (moment + CHINA).date()
        turnaround = (_working_days(row.accepted_on, day, holidays, workdays)
                      if row.accepted_on else None)
        rows.append({'key': row.id, 'day': day, 'turnaround': turnaround})
    if rows:
        bind.execute(APPLICATIONS.update().where(APPLICATIONS.c.id == sa.bindparam('key'))
                     .values(concluded_on=sa.bindparam('day'),
                             turnaround_days=sa.bindparam('turnaround')), rows)


def upgrade():
    _roles(ROLES + ('leader',))
    op.add_column('applications', sa.Column('concluded_on', sa.Date(), nullable=True))
    op.add_column('applications', sa.Column('turnaround_days', sa.Integer(), nullable=True))
    op.create_index('ix_applications_concluded_on', 'applications', ['concluded_on'])
    op.create_index('ix_applications_created_at', 'applications', ['created_at'])
    _backfill()
    op.create_table(
        'rating_follow_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rating_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('contacted', 'resolved')",
                           name=op.f('ck_rating_follow_ups_status')),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'],
                                name=op.f('fk_rating_follow_ups_rating_id_ratings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_rating_follow_ups_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_follow_ups')),
    )
    op.create_index(op.f('ix_rating_follow_ups_rating_id'), 'rating_follow_ups', ['rating_id'])


def downgrade():
    op.drop_index(op.f('ix_rating_follow_ups_rating_id'), table_name='rating_follow_ups')
    op.drop_table('rating_follow_ups')
    op.drop_index('ix_applications_created_at', table_name='applications')
    op.drop_index('ix_applications_concluded_on', table_name='applications')
    op.drop_column('applications', 'turnaround_days')
    op.drop_column('applications', 'concluded_on')
    # A leader's account cannot outlive its role: it becomes an inactive clerk's.
    op.execute("UPDATE users SET active = false, role = 'clerk' WHERE role = 'leader'")
    _roles(ROLES)
