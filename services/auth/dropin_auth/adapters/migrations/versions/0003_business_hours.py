"""Organizations' business hours: `timezone` (IANA, default UTC), `business_hours`, `holidays`.

Revision ID: 0003_business_hours
Revises: 0002_outbox_given_up_at
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_business_hours"
down_revision = "0002_outbox_given_up_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `timezone` is shared with the integration settings (crmLeadEmails, managerEmails): one column.
    op.add_column("organizations", sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))
    op.add_column("organizations", sa.Column("business_hours", JSONB, nullable=False, server_default="{}"))
    op.add_column("organizations", sa.Column("holidays", JSONB, nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("organizations", "holidays")
    op.drop_column("organizations", "business_hours")
    op.drop_column("organizations", "timezone")
