"""Period counts in UTC days as well as quarters; covering indexes for the vehicle filters.

Day buckets keep long-period counts to a few hundred rows. `INCLUDE (column)` lets a count on
lower(column) = x be an index-only scan (PostgreSQL needs the column itself in the index for that).

Revision ID: 0003_day_buckets
Revises: 0002_period_counts
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_day_buckets"
down_revision = "0002_period_counts"
branch_labels = None
depends_on = None

RECOUNT = """
INSERT INTO period_counts (kind, grain, bucket, count)
SELECT kind, grain, date_bin(width, moment, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM (SELECT 'calls' AS kind, requested_at AS moment FROM calls WHERE requested_at IS NOT NULL
        UNION ALL SELECT 'leads', created_at FROM leads) AS records
 CROSS JOIN (VALUES ('quarter', interval '15 minutes'), ('day', interval '1 day')) AS grains (grain, width)
 GROUP BY 1, 2, 3"""


def upgrade() -> None:
    op.drop_table("period_counts")
    op.create_table(
        "period_counts",
        sa.Column("kind", sa.String(8), primary_key=True),    # calls | leads
        sa.Column("grain", sa.String(8), primary_key=True),   # quarter | day
        sa.Column("bucket", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.execute(RECOUNT)
    for table in ("calls", "leads"):
        for column in ("vehicle_make", "vehicle_model", "vehicle_type"):
            op.execute(f"DROP INDEX ix_{table}_lower_{column}")
            op.execute(f"CREATE INDEX ix_{table}_lower_{column} ON {table} (lower({column})) INCLUDE ({column})")


def downgrade() -> None:
    for table in ("calls", "leads"):
        for column in ("vehicle_make", "vehicle_model", "vehicle_type"):
            op.execute(f"DROP INDEX ix_{table}_lower_{column}")
            op.execute(f"CREATE INDEX ix_{table}_lower_{column} ON {table} (lower({column}))")
    op.drop_table("period_counts")
    op.create_table(
        "period_counts",
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("bucket", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
