"""Where a bundle's version came from, YAML or the browser, and the digest of the YAML last
loaded (issue 14: `flask catalog load` skips unchanged YAML and refuses to load changed YAML
over a version made in the browser). Every version so far came from YAML; each bundle's YAML
digest starts as its latest version's.

Revision ID: a93c5e0d7b18
Revises: f2a8d6c41e07
Create Date: 2026-11-29 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a93c5e0d7b18'
down_revision = 'f2a8d6c41e07'
branch_labels = None
depends_on = None

CHECK = "source IN ('yaml', 'browser')"


def upgrade():
    # Both tables are referenced by foreign keys: SQLite must not rebuild them (batch mode
    # would), so the columns are added in place, the CHECK constraint inline.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE bundle_versions ADD COLUMN source VARCHAR(10) DEFAULT 'yaml' "
                   f"NOT NULL CONSTRAINT ck_bundle_versions_source CHECK ({CHECK})")
    else:
        op.add_column('bundle_versions', sa.Column('source', sa.String(length=10),
                                                   server_default='yaml', nullable=False))
        op.create_check_constraint('ck_bundle_versions_source', 'bundle_versions', CHECK)
    op.add_column('bundles', sa.Column('yaml_digest', sa.String(length=64), nullable=True))
    op.execute("UPDATE bundles SET yaml_digest = (SELECT digest FROM bundle_versions v "
               "WHERE v.bundle_code = bundles.code AND v.version = bundles.latest_version)")


def downgrade():
    op.drop_column('bundles', 'yaml_digest')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('ck_bundle_versions_source', 'bundle_versions', type_='check')
    op.drop_column('bundle_versions', 'source')
