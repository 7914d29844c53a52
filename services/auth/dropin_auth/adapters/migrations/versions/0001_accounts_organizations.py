"""Accounts, organizations, login failures and the messaging tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

from dropin_common.db import create_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("loan_link", sa.Text),
        sa.Column("token", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("code", name="organizations_code_key"),
        sa.UniqueConstraint("token", name="organizations_token_key"),
    )
    op.create_table(
        "accounts",
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
    op.create_index("ux_accounts_email", "accounts", [sa.text("lower(email)")], unique=True)
    op.create_index("ux_accounts_username", "accounts", [sa.text("lower(username)")], unique=True)
    op.create_index("ix_accounts_organization_created", "accounts", ["organization_id", "created_at"])
    op.create_index("ix_accounts_role_created", "accounts", ["role", "created_at"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("throttle_key", sa.String(400), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_key_time", "login_failures", ["throttle_key", "failed_at"])
    create_messaging_tables(op)


def downgrade() -> None:
    for table in ("token_cutoffs", "revoked_tokens", "inbox", "outbox", "login_failures",
                  "accounts", "organizations"):
        op.drop_table(table)
