"""Each application tallies its visits to the window and the correction notices it received
before acceptance (issue 19): the figures sum two columns instead of counting a province's
visits and events application by application. Backfilled from the rows they count.

Revision ID: bebb86c94b7e
Revises: b4cf17e92810
Create Date: 2026-11-30 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bebb86c94b7e'
down_revision = 'b4cf17e92810'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('applications', sa.Column('visit_count', sa.Integer(), nullable=False,
                                            server_default=sa.text('0')))
    op.add_column('applications', sa.Column('correction_notices', sa.Integer(), nullable=False,
                                            server_default=sa.text('0')))
    op.execute("UPDATE applications SET visit_count = (SELECT count(*) FROM visits "
               "WHERE visits.application_id = applications.id)")
    op.execute("UPDATE applications SET correction_notices = (SELECT count(*) FROM events "
               "WHERE events.application_id = applications.id "
               "AND events.trigger = 'request_correction' AND events.item_code IS NULL)")


def downgrade():
    op.drop_column('applications', 'correction_notices')
    op.drop_column('applications', 'visit_count')
