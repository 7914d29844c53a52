"""Streams, logs, pings, leads, outbound messages, the organizations/accounts replica and messaging.

Revision ID: 0001_streams
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from dropin_common.db import create_messaging_tables

revision = "0001_streams"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def vehicle_columns() -> list[sa.Column]:
    return [sa.Column("make", sa.String(100)), sa.Column("model", sa.String(100)),
            sa.Column("type", sa.String(100)), sa.Column("year", sa.Integer),
            sa.Column("country", sa.String(100))]


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table(
        "streams",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("organization_code", sa.String(100), nullable=False),
        sa.Column("organization_name", sa.String(200), nullable=False),
        sa.Column("vin", sa.String(32), nullable=False),
        *vehicle_columns(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("dealer_id", sa.String(64)),
        sa.Column("dealer_first_name", sa.String(100)),
        sa.Column("dealer_last_name", sa.String(100)),
        sa.Column("requested_at", TIMESTAMP, nullable=False),
        sa.Column("accepted_at", TIMESTAMP),
        sa.Column("stopped_at", TIMESTAMP),
        sa.Column("stopped_by", sa.String(16)),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_streams_org_requested", "streams", ["organization_id", "requested_at"])
    op.create_index("ix_streams_requested", "streams", ["requested_at"])
    op.create_index("ix_streams_live", "streams", ["status"],
                    postgresql_where=sa.text("status IN ('requested', 'streaming')"))
    op.create_table(
        "stream_logs",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("stream_id", sa.String(36), sa.ForeignKey("streams.id"), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("code", sa.Integer, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_stream_logs_stream_id", "stream_logs", ["stream_id"])
    op.create_table(
        "dealer_pings",
        sa.Column("dealer_id", sa.String(64), primary_key=True),
        sa.Column("last_ping_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("stream_id", sa.String(36), sa.ForeignKey("streams.id")),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("organization_name", sa.String(200), nullable=False),
        sa.Column("vin", sa.String(32)),
        *vehicle_columns(),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(50)),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_leads_stream_id", "leads", ["stream_id"])
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("stream_id", sa.String(36), sa.ForeignKey("streams.id"), nullable=False),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_outbound_messages_stream_id", "outbound_messages", ["stream_id"])
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("loan_link", sa.Text),
        sa.Column("token_hash", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_organizations_code", "organizations", ["code"])
    op.create_index("ix_organizations_token_hash", "organizations", ["token_hash"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(254)),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("account_status", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_accounts_organization_id", "accounts", ["organization_id"])


def downgrade() -> None:
    for table in ("accounts", "organizations", "outbound_messages", "leads", "dealer_pings", "stream_logs",
                  "streams", "token_cutoffs", "revoked_tokens", "inbox", "outbox"):
        op.drop_table(table)
