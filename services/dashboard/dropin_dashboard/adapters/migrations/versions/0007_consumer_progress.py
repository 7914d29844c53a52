"""The consumer's progress (newest event applied, and when), so readers can tell how fresh the
read models are (`/readyz`, the `X-Data-Age-Seconds` header).

Revision ID: 0007_consumer_progress
Revises: 0006_outbox_given_up_at
Create Date: 2026-11-29
"""
from alembic import op

from dropin_common.progress import create_consumer_progress_table

revision = "0007_consumer_progress"
down_revision = "0006_outbox_given_up_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_consumer_progress_table(op)


def downgrade() -> None:
    op.drop_table("consumer_progress")
