"""Every department's items to decide, in deadline order (issue 18): the overdue board and a
reviewer of many departments read their page from this index without a sort, and count from it
alone on PostgreSQL (the columns their filters read are included).

Revision ID: 8a3c52d07e14
Revises: 5e1f0c7a9d21
Create Date: 2026-11-30 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a3c52d07e14'
down_revision = '5e1f0c7a9d21'
branch_labels = None
depends_on = None

WORKING = "state IN ('open', 'reviewing', 'paused', 'correction')"
INCLUDED = ['state', 'department_code', 'yellow_on', 'statutory_due', 'assignee_user_id',
            'application_id']


def upgrade():
    op.create_index('ix_application_items_working_due', 'application_items',
                    ['committed_due', 'id'], postgresql_include=INCLUDED,
                    postgresql_where=sa.text(WORKING), sqlite_where=sa.text(WORKING))


def downgrade():
    op.drop_index('ix_application_items_working_due', table_name='application_items')
