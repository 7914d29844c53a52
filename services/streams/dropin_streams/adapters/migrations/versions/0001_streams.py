"""Streams, logs, pings, leads, outbound messages, the organizations/accounts replica and messaging.

Revision ID: 0001_streams
Revises:
Create Date: 2026-11-28
"""
from alembic import op

from dropin_common.db import create_messaging_tables
from dropin_streams.adapters.tables import build_tables

revision = "0001_streams"
down_revision = None
branch_labels = None
depends_on = None

SERVICE_TABLES = ("streams", "stream_logs", "dealer_pings", "leads", "outbound_messages",
                  "organizations", "accounts")


def upgrade() -> None:
    create_messaging_tables(op)
    _metadata, tables = build_tables()
    for name in SERVICE_TABLES:
        tables[name].create(op.get_bind())


def downgrade() -> None:
    _metadata, tables = build_tables()
    for name in reversed(SERVICE_TABLES):
        tables[name].drop(op.get_bind())
