"""SQLAlchemy Core tables of the auth database (created by the Alembic migrations)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from dropin_common.db import messaging_tables

metadata = sa.MetaData()

organizations = sa.Table(
    "organizations", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("loan_link", sa.Text),
    sa.Column("token", sa.String(128), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("business_hours", JSONB, nullable=False, server_default="{}"),
    sa.Column("holidays", JSONB, nullable=False, server_default="[]"),
    sa.Column("crm_lead_emails", JSONB, nullable=False, server_default="[]"),
    sa.Column("manager_emails", JSONB, nullable=False, server_default="[]"),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("phone", sa.String(40)),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("account_status", sa.String(16), nullable=False),
    sa.Column("organization_id", sa.String(36), sa.ForeignKey("organizations.id")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
# Logins and duplicate checks compare case-insensitively; the dealer list pages by creation date.
sa.Index("ux_accounts_email", sa.func.lower(accounts.c.email), unique=True)
sa.Index("ux_accounts_username", sa.func.lower(accounts.c.username), unique=True)
sa.Index("ix_accounts_organization_created", accounts.c.organization_id, accounts.c.created_at)
sa.Index("ix_accounts_role_created", accounts.c.role, accounts.c.created_at)

login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("throttle_key", sa.String(400), nullable=False),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_login_failures_key_time", login_failures.c.throttle_key, login_failures.c.failed_at)

messaging = messaging_tables(metadata)
