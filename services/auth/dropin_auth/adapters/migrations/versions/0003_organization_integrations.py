"""Organizations' integration settings: CRM lead addresses, manager addresses, IANA time zone.

Revision ID: 0003_organization_integrations
Revises: 0002_outbox_given_up_at
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_organization_integrations"
down_revision = "0002_outbox_given_up_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organizations", sa.Column("crm_lead_emails", JSONB, nullable=False, server_default="[]"))
    op.add_column("organizations", sa.Column("manager_emails", JSONB, nullable=False, server_default="[]"))
    op.add_column("organizations", sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))


def downgrade() -> None:
    for column in ("timezone", "manager_emails", "crm_lead_emails"):
        op.drop_column("organizations", column)
