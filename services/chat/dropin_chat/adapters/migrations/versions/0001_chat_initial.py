"""Messaging tables, the stream replica and chat messages.

Revision ID: 0001_chat_initial
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from dropin_common.db import create_messaging_tables

revision = "0001_chat_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "chat_streams",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("dealer_id", sa.String(64)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("message_count", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "chat_messages",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("stream_id", sa.String(64), nullable=False),
        sa.Column("sender", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_messages_stream_created_id", "chat_messages",
                    ["stream_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("chat_messages")
    op.drop_table("chat_streams")
    for name in ("token_cutoffs", "revoked_tokens", "inbox", "outbox"):
        op.drop_table(name)
