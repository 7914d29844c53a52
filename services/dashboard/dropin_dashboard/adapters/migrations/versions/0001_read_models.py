"""Read models (calls, leads, organizations, dealers), their indexes, and the messaging tables.

Revision ID: 0001_read_models
Revises:
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

from dropin_common.db import create_messaging_tables

revision = "0001_read_models"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
TRIGRAM_COLUMNS = {
    "calls": ("first_name", "last_name", "phone", "organization_name", "vin"),
    "leads": ("first_name", "last_name", "phone", "organization_name", "vin"),
    "organizations": ("name",),
}


def _vehicle():
    return [sa.Column("vehicle_make", sa.Text), sa.Column("vehicle_model", sa.Text),
            sa.Column("vehicle_type", sa.Text), sa.Column("vehicle_year", sa.Integer)]


def _shopper():
    return [sa.Column("first_name", sa.Text), sa.Column("last_name", sa.Text),
            sa.Column("email", sa.Text), sa.Column("phone", sa.Text)]


def upgrade() -> None:
    create_messaging_tables(op)
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "calls",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("organization_code", sa.Text),
        sa.Column("organization_name", sa.Text),
        sa.Column("vin", sa.Text),
        *_vehicle(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dealer_id", sa.String(64)),
        sa.Column("dealer_first_name", sa.Text),
        sa.Column("dealer_last_name", sa.Text),
        sa.Column("requested_at", TZ),
        sa.Column("accepted_at", TZ),
        sa.Column("stopped_at", TZ),
        sa.Column("stopped_by", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("duration_seconds", sa.Integer),
        *_shopper(),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("stream_id", sa.String(64)),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("organization_name", sa.Text),
        sa.Column("vin", sa.Text),
        *_vehicle(),
        *_shopper(),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("call_status", sa.String(16)),
    )
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("code", sa.Text),
        sa.Column("loan_link", sa.Text),
        sa.Column("created_at", TZ),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "dealers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.Text),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16)),
        sa.Column("account_status", sa.String(16)),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("created_at", TZ),
        sa.Column("updated_at", TZ, nullable=False),
    )
    # Newest first with the id as tiebreak: lists walk this index backwards and stop at `limit`.
    op.execute("CREATE INDEX ix_calls_requested_at ON calls (requested_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_leads_created_at ON leads (created_at DESC, id DESC)")
    for table in ("calls", "leads"):
        op.create_index(f"ix_{table}_organization_id", table, ["organization_id"])
        for column in ("vehicle_make", "vehicle_model", "vehicle_type"):
            op.execute(f"CREATE INDEX ix_{table}_lower_{column} ON {table} (lower({column}))")
    op.create_index("ix_calls_status", "calls", ["status"])
    op.create_index("ix_leads_call_status", "leads", ["call_status"])
    op.create_index("ix_leads_stream_id", "leads", ["stream_id", "created_at"])
    op.create_index("ix_dealers_organization_id", "dealers", ["organization_id"])
    op.execute("CREATE INDEX ix_organizations_created_at ON organizations (created_at DESC, id DESC)")
    for table, columns in TRIGRAM_COLUMNS.items():
        for column in columns:
            op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    for table in ("dealers", "organizations", "leads", "calls", "token_cutoffs", "revoked_tokens",
                  "inbox", "outbox"):
        op.drop_table(table)
