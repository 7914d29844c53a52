"""Organizations first seen in a stream or lead are recorded without an updatedAt.

Revision ID: 0004_organization_stand_ins
Revises: 0003_day_buckets
Create Date: 2026-11-28
"""
from alembic import op

revision = "0004_organization_stand_ins"
down_revision = "0003_day_buckets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("organizations", "updated_at", nullable=True)
    # Existing calls and leads name organizations that may not have had their own event yet.
    op.execute("""
        INSERT INTO organizations (id, name, code)
        SELECT DISTINCT ON (organization_id) organization_id, organization_name, organization_code
          FROM calls WHERE organization_id IS NOT NULL AND organization_name IS NOT NULL
        ORDER BY organization_id, requested_at DESC
        ON CONFLICT (id) DO NOTHING""")
    op.execute("""
        INSERT INTO organizations (id, name)
        SELECT DISTINCT ON (organization_id) organization_id, organization_name
          FROM leads WHERE organization_id IS NOT NULL AND organization_name IS NOT NULL
        ORDER BY organization_id, created_at DESC
        ON CONFLICT (id) DO NOTHING""")


def downgrade() -> None:
    op.execute("DELETE FROM organizations WHERE updated_at IS NULL")
    op.alter_column("organizations", "updated_at", nullable=False)
