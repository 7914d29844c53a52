"""Chat judges a caller by the account as auth last described it: a replica fed by `account.*`.

Revision ID: 0003_accounts_replica
Revises: 0002_outbox_given_up_at
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_accounts_replica"
down_revision = "0002_outbox_given_up_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_accounts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chat_accounts")
