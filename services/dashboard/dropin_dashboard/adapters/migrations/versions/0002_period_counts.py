"""Pre-aggregated counts of calls and leads per 15-minute UTC bucket.

Counting a million rows live takes ~100 ms; summing at most a few tens of thousands of buckets
takes a few. Every real time-zone offset is a multiple of 15 minutes, so a client's calendar days
always start on a bucket boundary.

Revision ID: 0002_period_counts
Revises: 0001_read_models
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_period_counts"
down_revision = "0001_read_models"
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO period_counts (kind, bucket, count)
SELECT 'calls', date_bin('15 minutes', requested_at, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM calls WHERE requested_at IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'leads', date_bin('15 minutes', created_at, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM leads GROUP BY 2"""


def upgrade() -> None:
    op.create_table(
        "period_counts",
        sa.Column("kind", sa.String(8), primary_key=True),  # calls | leads
        sa.Column("bucket", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("period_counts")
