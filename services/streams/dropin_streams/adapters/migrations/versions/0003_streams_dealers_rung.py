"""How many dealers each stream request rang (for missed-call alerts and reports).

Revision ID: 0003_streams_dealers_rung
Revises: 0002_outbox_given_up_at
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_streams_dealers_rung"
down_revision = "0002_outbox_given_up_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("streams", sa.Column("dealers_rung", sa.Integer))


def downgrade() -> None:
    op.drop_column("streams", "dealers_rung")
