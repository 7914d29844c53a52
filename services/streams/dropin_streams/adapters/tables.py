"""The streams database, as SQLAlchemy Core tables (the migrations create exactly these)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from dropin_common.db import messaging_tables

TIMESTAMP = sa.DateTime(timezone=True)


def build_tables() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    metadata = sa.MetaData()
    tables = dict(messaging_tables(metadata))
    tables["streams"] = sa.Table(
        "streams", metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("organization_code", sa.String(100), nullable=False),
        sa.Column("organization_name", sa.String(200), nullable=False),
        sa.Column("vin", sa.String(32), nullable=False),
        sa.Column("make", sa.String(100)),
        sa.Column("model", sa.String(100)),
        sa.Column("type", sa.String(100)),
        sa.Column("year", sa.Integer),
        sa.Column("country", sa.String(100)),
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
        sa.Column("missed_reason", sa.String(16)),
        sa.Column("rung_dealer_ids", ARRAY(sa.String(64)), nullable=False, server_default="{}"),
    )
    sa.Index("ix_streams_org_requested", tables["streams"].c.organization_id, tables["streams"].c.requested_at)
    sa.Index("ix_streams_requested", tables["streams"].c.requested_at)
    # The worker scans only live streams.
    sa.Index("ix_streams_live", tables["streams"].c.status,
             postgresql_where=tables["streams"].c.status.in_(("requested", "streaming")))
    tables["stream_logs"] = sa.Table(
        "stream_logs", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("stream_id", sa.String(36), sa.ForeignKey("streams.id"), nullable=False, index=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("code", sa.Integer, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
    )
    tables["dealer_pings"] = sa.Table(
        "dealer_pings", metadata,
        sa.Column("dealer_id", sa.String(64), primary_key=True),
        sa.Column("last_ping_at", TIMESTAMP, nullable=False),
    )
    tables["leads"] = sa.Table(
        "leads", metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("stream_id", sa.String(36), sa.ForeignKey("streams.id"), index=True),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("organization_name", sa.String(200), nullable=False),
        sa.Column("vin", sa.String(32)),
        sa.Column("make", sa.String(100)),
        sa.Column("model", sa.String(100)),
        sa.Column("type", sa.String(100)),
        sa.Column("year", sa.Integer),
        sa.Column("country", sa.String(100)),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(50)),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    tables["outbound_messages"] = sa.Table(
        "outbound_messages", metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("stream_id", sa.String(36), sa.ForeignKey("streams.id"), nullable=False, index=True),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    tables["organizations"] = sa.Table(
        "organizations", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(100), nullable=False, index=True),
        sa.Column("loan_link", sa.Text),
        sa.Column("token_hash", sa.String(64), index=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("business_hours", JSONB, nullable=False, server_default="{}"),
        sa.Column("holidays", JSONB, nullable=False, server_default="[]"),
    )
    tables["accounts"] = sa.Table(
        "accounts", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(254)),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("account_status", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(64), index=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    return metadata, tables
