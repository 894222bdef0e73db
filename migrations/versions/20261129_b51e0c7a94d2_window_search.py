"""Indexes for the window's pages (issue 12): queues by state in order of receipt (replacing the
index on state alone), search by ID number, phone or the first characters of a name, and a
clerk's recent work (their latest events).

Revision ID: b51e0c7a94d2
Revises: d847e25e9ab2
Create Date: 2026-11-29 18:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b51e0c7a94d2'
down_revision = 'd847e25e9ab2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_applications_state_id', 'applications', ['state', 'id'])
    op.drop_index('ix_applications_state', table_name='applications')
    op.create_index('ix_applications_applicant_id_number', 'applications',
                    ['applicant_id_number'])
    op.create_index('ix_applications_contact_phone', 'applications', ['contact_phone'])
    # text_pattern_ops: PostgreSQL answers LIKE 'prefix%' from the index whatever the collation.
    op.create_index('ix_applications_applicant_name', 'applications', ['applicant_name'],
                    postgresql_ops={'applicant_name': 'text_pattern_ops'})
    op.create_index('ix_events_actor_user_id_id', 'events', ['actor_user_id', 'id'])


def downgrade():
    op.drop_index('ix_events_actor_user_id_id', table_name='events')
    op.drop_index('ix_applications_applicant_name', table_name='applications')
    op.drop_index('ix_applications_contact_phone', table_name='applications')
    op.drop_index('ix_applications_applicant_id_number', table_name='applications')
    op.create_index('ix_applications_state', 'applications', ['state'])
    op.drop_index('ix_applications_state_id', table_name='applications')
