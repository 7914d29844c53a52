"""Outbox rows a destination refused for good are set aside (`given_up_at`), not retried.

Revision ID: 0006_outbox_given_up_at
Revises: 0005_facet_and_name_counts
Create Date: 2026-11-28
"""
from alembic import op

from dropin_common.db import add_outbox_given_up_at

revision = "0006_outbox_given_up_at"
down_revision = "0005_facet_and_name_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_given_up_at(op)


def downgrade() -> None:
    op.drop_column("outbox", "given_up_at")
