"""Drafts: applications saved before they are submitted, owned by a clerk or a verified phone.

Revision ID: 9a3c7d1e2f40
Revises: 5e1f0c2a7b3d
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '9a3c7d1e2f40'
down_revision = '5e1f0c2a7b3d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_code', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('owner_kind', sa.String(length=10), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('owner_phone', sa.String(length=20), nullable=True),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('window', 'online')", name=op.f('ck_drafts_channel')),
    sa.CheckConstraint("owner_kind IN ('staff', 'applicant', 'system')",
                       name=op.f('ck_drafts_owner_kind')),
    sa.CheckConstraint("(owner_kind = 'staff') = (owner_user_id IS NOT NULL) AND "
                       "(owner_kind = 'applicant') = (owner_phone IS NOT NULL)",
                       name=op.f('ck_drafts_owner')),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'],
                            name=op.f('fk_drafts_owner_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts') as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_drafts_owner_user_id_expires_at',
                              ['owner_user_id', 'expires_at'], unique=False)
        batch_op.create_index('ix_drafts_owner_phone_expires_at',
                              ['owner_phone', 'expires_at'], unique=False)


def downgrade():
    op.drop_table('drafts')
