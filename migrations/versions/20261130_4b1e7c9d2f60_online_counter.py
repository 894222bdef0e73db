"""The online counter (issue 21): one-time sign-in codes sent by SMS to applicants' phones, the
files applicants upload as materials, attached to a draft or to an application, and the agent
who applied for someone else (委托代理).

Revision ID: 4b1e7c9d2f60
Revises: 3dce14479e4b
Create Date: 2026-11-30 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b1e7c9d2f60'
down_revision = '3dce14479e4b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('agent_name', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('agent_id_number', sa.String(length=18), nullable=True))
    op.create_table(
        'sign_in_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_codes')),
    )
    op.create_index('ix_sign_in_codes_phone_created_at', 'sign_in_codes',
                    ['phone', 'created_at'])
    op.create_index(op.f('ix_sign_in_codes_expires_at'), 'sign_in_codes', ['expires_at'])
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('material_code', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('media_type', sa.Enum('application/pdf', 'image/jpeg', 'image/png',
                                        name='media_type', native_enum=False,
                                        create_constraint=True, length=20), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.Column('scan_state', sa.Enum('not_scanned', 'clean', 'infected', name='scan_state',
                                        native_enum=False, create_constraint=True, length=12),
                  nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('(draft_id IS NULL) <> (application_id IS NULL)',
                           name=op.f('ck_attachments_owner')),
        sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_attachments_application_id_applications')),
        sa.ForeignKeyConstraint(['draft_id'], ['drafts.id'],
                                name=op.f('fk_attachments_draft_id_drafts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    )
    op.create_index(op.f('ix_attachments_application_id'), 'attachments', ['application_id'])
    op.create_index(op.f('ix_attachments_digest'), 'attachments', ['digest'])
    op.create_index(op.f('ix_attachments_draft_id'), 'attachments', ['draft_id'])


def downgrade():
    op.drop_table('attachments')
    op.drop_table('sign_in_codes')
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('agent_id_number')
        batch.drop_column('agent_name')
