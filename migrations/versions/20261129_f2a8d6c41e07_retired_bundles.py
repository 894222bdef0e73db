"""A bundle can be retired (issue 14): it takes no new applications; running ones finish.

Revision ID: f2a8d6c41e07
Revises: e7c3a1f09b64
Create Date: 2026-11-29 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a8d6c41e07'
down_revision = 'e7c3a1f09b64'
branch_labels = None
depends_on = None


def upgrade():
    # bundles is referenced by foreign keys: the column is added in place, no rebuild.
    op.add_column('bundles', sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('bundles', 'retired_at')
