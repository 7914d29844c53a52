"""Messaging tables, the replicas (organizations, accounts, streams, leads), webhook endpoints
and the delivery log.

Revision ID: 0001_integrations_initial
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from dropin_common.db import add_outbox_given_up_at, create_messaging_tables

revision = "0001_integrations_initial"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_messaging_tables(op)
    add_outbox_given_up_at(op)
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("crm_lead_emails", JSONB, nullable=False, server_default="[]"),
        sa.Column("manager_emails", JSONB, nullable=False, server_default="[]"),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("updated_at", TIMESTAMP),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "streams",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("stopped_at", TIMESTAMP),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.Column("alerts_planned_at", TIMESTAMP),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("stream_id", sa.String(64)),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("crm_planned_at", TIMESTAMP),
    )
    op.create_index("ix_leads_awaiting_crm", "leads", ["stream_id"],
                    postgresql_where=sa.text("crm_planned_at IS NULL"))
    op.create_index("ix_leads_awaiting_organization", "leads", ["organization_id"],
                    postgresql_where=sa.text("crm_planned_at IS NULL"))
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("events", JSONB, nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_webhook_endpoints_organization_id", "webhook_endpoints", ["organization_id"])
    op.create_table(
        "deliveries",
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
        sa.Column("dedup_key", sa.Text, nullable=False),
        sa.UniqueConstraint("dedup_key", name="deliveries_dedup_key_key"),
    )
    op.create_index("ix_deliveries_pending", "deliveries", ["destination", "available_at", "id"],
                    postgresql_where=sa.text("sent_at IS NULL"))
    op.create_index("ix_deliveries_log", "deliveries", ["organization_id", "id"])


def downgrade() -> None:
    for name in ("deliveries", "webhook_endpoints", "leads", "streams", "accounts", "organizations",
                 "token_cutoffs", "revoked_tokens", "inbox", "outbox"):
        op.drop_table(name)
