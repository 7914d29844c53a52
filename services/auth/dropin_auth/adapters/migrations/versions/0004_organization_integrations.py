"""Organizations' integration settings: CRM lead addresses and manager addresses (the time zone
came with business hours, 0003).

Revision ID: 0004_organization_integrations
Revises: 0003_business_hours
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004_organization_integrations"
down_revision = "0003_business_hours"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organizations", sa.Column("crm_lead_emails", JSONB, nullable=False, server_default="[]"))
    op.add_column("organizations", sa.Column("manager_emails", JSONB, nullable=False, server_default="[]"))


def downgrade() -> None:
    for column in ("manager_emails", "crm_lead_emails"):
        op.drop_column("organizations", column)
