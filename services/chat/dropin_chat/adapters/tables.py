"""SQLAlchemy Core tables of the chat database (mapped to domain objects in repositories.py)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from dropin_common.db import messaging_tables
from dropin_common.principals import account_standing_table

MAX_SENDER_LENGTH = 100


def chat_tables(metadata: sa.MetaData | None = None) -> dict[str, sa.Table]:
    metadata = metadata if metadata is not None else sa.MetaData()
    streams = sa.Table(
        "chat_streams", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("dealer_id", sa.String(64)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        # Kept with each insert so a history page's `total` needs no count over the messages.
        sa.Column("message_count", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    messages = sa.Table(
        "chat_messages", metadata,
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("stream_id", sa.String(64), nullable=False),
        sa.Column("sender", sa.String(MAX_SENDER_LENGTH), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # History pages walk this index in order: no sort, however long the chat.
    sa.Index("ix_chat_messages_stream_created_id", messages.c.stream_id, messages.c.created_at,
             messages.c.id)
    # Who a caller's token belongs to now (role, status, organization), fed by auth's account events.
    accounts = account_standing_table(metadata, "chat_accounts")
    return {"streams": streams, "messages": messages, "accounts": accounts, **messaging_tables(metadata)}
