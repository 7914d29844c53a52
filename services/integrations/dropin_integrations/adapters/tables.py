"""SQLAlchemy Core tables of the integrations database (mapped to domain records in repositories.py)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from dropin_common.db import messaging_tables
from dropin_common.principals import account_standing_table

TIMESTAMP = sa.DateTime(timezone=True)


def integrations_tables(metadata: sa.MetaData | None = None) -> dict[str, sa.Table]:
    metadata = metadata if metadata is not None else sa.MetaData()
    organizations = sa.Table(
        "organizations", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("crm_lead_emails", JSONB, nullable=False, server_default="[]"),
        sa.Column("manager_emails", JSONB, nullable=False, server_default="[]"),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("updated_at", TIMESTAMP),
    )
    # Who may call: every service judges a token by its own accounts replica (dropin_common.principals).
    accounts = account_standing_table(metadata, "accounts")
    streams = sa.Table(
        "streams", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("stopped_at", TIMESTAMP),
        sa.Column("snapshot", JSONB, nullable=False),  # the stream.* snapshot as received
        # Set once a missed call's alerts are queued (they wait if the organization is not known yet).
        sa.Column("alerts_planned_at", TIMESTAMP),
    )
    leads = sa.Table(
        "leads", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("stream_id", sa.String(64)),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        # Set once its CRM mails are queued; until then the lead waits for its call to end.
        sa.Column("crm_planned_at", TIMESTAMP),
    )
    sa.Index("ix_leads_awaiting_crm", leads.c.stream_id, postgresql_where=leads.c.crm_planned_at.is_(None))
    sa.Index("ix_leads_awaiting_organization", leads.c.organization_id,
             postgresql_where=leads.c.crm_planned_at.is_(None))
    webhook_endpoints = sa.Table(
        "webhook_endpoints", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", JSONB, nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    # The delivery log is also the relays' queue: it has every column OutboxRelay works with
    # (destination, topic, payload, available_at, attempts, last_error, sent_at, given_up_at).
    deliveries = sa.Table(
        "deliveries", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("destination", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("available_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", TIMESTAMP),
        sa.Column("given_up_at", TIMESTAMP),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("endpoint_id", sa.String(64)),
        sa.Column("dedup_key", sa.Text, nullable=False, unique=True),
    )
    sa.Index("ix_deliveries_pending", deliveries.c.destination, deliveries.c.available_at, deliveries.c.id,
             postgresql_where=deliveries.c.sent_at.is_(None))
    sa.Index("ix_deliveries_log", deliveries.c.organization_id, deliveries.c.id)
    return {"organizations": organizations, "accounts": accounts, "streams": streams, "leads": leads,
            "webhook_endpoints": webhook_endpoints, "deliveries": deliveries, **messaging_tables(metadata)}
