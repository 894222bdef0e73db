"""Foundation: the catalog, applications with their items and events, idempotency records.

Revision ID: 3b0b5674f565
Revises: 
Create Date: 2026-11-26 07:21:18.961947

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '3b0b5674f565'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('application_counters',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_application_counters'))
    )
    op.create_table('bundles',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('latest_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_bundles'))
    )
    op.create_table('departments',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_departments'))
    )
    op.create_table('idempotency_records',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_records'))
    )
    op.create_table('bundle_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bundle_code'], ['bundles.code'], name=op.f('fk_bundle_versions_bundle_code_bundles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundle_versions')),
    sa.UniqueConstraint('bundle_code', 'version', name=op.f('uq_bundle_versions_bundle_code_version'))
    )
    op.create_table('service_items',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department_code', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_service_items_department_code_departments')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_service_items'))
    )
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_items_department_code'), ['department_code'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('bundle_version_id', sa.Integer(), nullable=False),
    sa.Column('bundle_code', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('applicant_kind', sa.String(length=10), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=18), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('form', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('materials_handed_in', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('materials_missing', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('delivery_method', sa.String(length=20), nullable=False),
    sa.Column('query_code_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(outcome IS NULL) = (state NOT IN ('concluded', 'delivered'))", name=op.f('ck_applications_outcome')),
    sa.CheckConstraint("applicant_kind IN ('person', 'company')", name=op.f('ck_applications_applicant_kind')),
    sa.CheckConstraint("channel IN ('window', 'online')", name=op.f('ck_applications_channel')),
    sa.CheckConstraint("delivery_method IN ('window', 'post', 'electronic')", name=op.f('ck_applications_delivery_method')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('approved', 'partly_approved', 'denied')", name=op.f('ck_applications_outcome_value')),
    sa.CheckConstraint("state IN ('submitted', 'correction', 'refused', 'withdrawn', 'processing', 'concluded', 'delivered')", name=op.f('ck_applications_state')),
    sa.ForeignKeyConstraint(['bundle_version_id'], ['bundle_versions.id'], name=op.f('fk_applications_bundle_version_id_bundle_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_applications_number'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_bundle_state', ['bundle_code', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_state'), ['state'], unique=False)

    op.create_table('application_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'open', 'reviewing', 'correction', 'approved', 'denied', 'cancelled', 'withdrawn')", name=op.f('ck_application_items_state')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_items_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_items')),
    sa.UniqueConstraint('application_id', 'item_code', name=op.f('uq_application_items_application_id_item_code'))
    )
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.create_index('ix_application_items_department_state', ['department_code', 'state'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=True),
    sa.Column('trigger', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_events_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_application_id'), ['application_id'], unique=False)




def downgrade():
    
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_application_id'))

    op.drop_table('events')
    with op.batch_alter_table('application_items', schema=None) as batch_op:
        batch_op.drop_index('ix_application_items_department_state')

    op.drop_table('application_items')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_state'))
        batch_op.drop_index(batch_op.f('ix_applications_channel'))
        batch_op.drop_index('ix_applications_bundle_state')

    op.drop_table('applications')
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_items_department_code'))

    op.drop_table('service_items')
    op.drop_table('bundle_versions')
    op.drop_table('idempotency_records')
    op.drop_table('departments')
    op.drop_table('bundles')
    op.drop_table('application_counters')

