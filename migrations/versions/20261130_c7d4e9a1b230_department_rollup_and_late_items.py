"""The departments' daily rollup and the late items' index (issue 19): what a department decided
per day, for its figures over any period; and the items late against their committed deadline
(decided after it, or still running), for the week-by-week chart, read from the index alone.

Revision ID: c7d4e9a1b230
Revises: 8a3c52d07e14
Create Date: 2026-11-30 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d4e9a1b230'
down_revision = '8a3c52d07e14'
branch_labels = None
depends_on = None

SUMS = ('decided', 'approved', 'on_time_committed', 'lawful', 'on_time_statutory')
LATE = {
    'postgresql': "state IN ('open', 'reviewing') "
                  "OR (decided_at AT TIME ZONE 'Asia/Shanghai')::date > committed_due",
    'sqlite': "state IN ('open', 'reviewing') OR date(decided_at, '+8 hours') > committed_due",
}


def upgrade():
    op.create_table(
        'daily_department_figures',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('department_code', sa.String(length=64), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SUMS),
        sa.PrimaryKeyConstraint('day', 'department_code',
                                name=op.f('pk_daily_department_figures')),
    )
    op.create_index('ix_application_items_late', 'application_items',
                    ['committed_due', 'department_code'],
                    postgresql_where=sa.text(LATE['postgresql']),
                    sqlite_where=sa.text(LATE['sqlite']))


def downgrade():
    op.drop_index('ix_application_items_late', table_name='application_items')
    op.drop_table('daily_department_figures')
