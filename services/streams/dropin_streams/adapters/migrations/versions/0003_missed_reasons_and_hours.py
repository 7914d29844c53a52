"""Why a stream was missed and whom it rang; the organizations replica's business hours.

Revision ID: 0003_missed_reasons_and_hours
Revises: 0002_outbox_given_up_at
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0003_missed_reasons_and_hours"
down_revision = "0002_outbox_given_up_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("streams", sa.Column("missed_reason", sa.String(16)))
    op.add_column("streams", sa.Column("rung_dealer_ids", ARRAY(sa.String(64)), nullable=False,
                                       server_default="{}"))
    op.add_column("organizations", sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))
    op.add_column("organizations", sa.Column("business_hours", JSONB, nullable=False, server_default="{}"))
    op.add_column("organizations", sa.Column("holidays", JSONB, nullable=False, server_default="[]"))
    # Streams missed before this revision went unanswered after ringing.
    op.execute("UPDATE streams SET missed_reason = 'not_answered' WHERE status = 'missed'")


def downgrade() -> None:
    for column in ("holidays", "business_hours", "timezone"):
        op.drop_column("organizations", column)
    op.drop_column("streams", "rung_dealer_ids")
    op.drop_column("streams", "missed_reason")
