"""The figures' daily rollup (issue 19): sums and turnaround counts per day received and bundle
version, and the event the rollup is current to; the applications of a version received on a
day, by an index. Left empty: `flask sla sweep` (or `flask stats --rebuild`) fills it, and until
then the figures count the applications live.

Revision ID: 5e1f0c7a9d21
Revises: bebb86c94b7e
Create Date: 2026-11-30 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c7a9d21'
down_revision = 'bebb86c94b7e'
branch_labels = None
depends_on = None

SUMS = ('applications', 'online', 'paused_days', 'corrections', 'concluded', 'turnaround',
        'on_time_committed', 'lawful', 'on_time_statutory', 'delivered', 'visits',
        'fully_online')


def upgrade():
    op.create_table(
        'daily_figures',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('bundle_version_id', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SUMS),
        sa.ForeignKeyConstraint(['bundle_version_id'], ['bundle_versions.id'],
                                name=op.f('fk_daily_figures_bundle_version_id_bundle_versions')),
        sa.PrimaryKeyConstraint('day', 'bundle_version_id', name=op.f('pk_daily_figures')),
    )
    op.create_table(
        'daily_turnarounds',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('bundle_version_id', sa.Integer(), nullable=False),
        sa.Column('turnaround_days', sa.Integer(), nullable=False),
        sa.Column('applications', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['bundle_version_id'], ['bundle_versions.id'],
                                name=op.f('fk_daily_turnarounds_bundle_version_id_bundle_versions')),
        sa.PrimaryKeyConstraint('day', 'bundle_version_id', 'turnaround_days',
                                name=op.f('pk_daily_turnarounds')),
    )
    op.create_index('ix_applications_version_created_at', 'applications',
                    ['bundle_version_id', 'created_at'])
    op.create_table(
        'rollup_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.BigInteger(), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_marks')),
    )


def downgrade():
    op.drop_index('ix_applications_version_created_at', table_name='applications')
    op.drop_table('rollup_marks')
    op.drop_table('daily_turnarounds')
    op.drop_table('daily_figures')
