"""Ratings (好差评): one per application.

Revision ID: d4719eeb1dc9
Revises: d6ebb0f058b1
Create Date: 2026-11-26 08:30:01.392987

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4719eeb1dc9'
down_revision = 'd6ebb0f058b1'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('grade BETWEEN 1 AND 5', name=op.f('ck_ratings_grade')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_ratings_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('application_id', name=op.f('uq_ratings_application_id'))
    )



def downgrade():
    
    op.drop_table('ratings')

