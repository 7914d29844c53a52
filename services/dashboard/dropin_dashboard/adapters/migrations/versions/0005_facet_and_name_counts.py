"""Counts per UTC day of each status and vehicle make/model/type, and per shopper name.

A count filtered on one status set or one vehicle make/model/type (plus a period) sums a few
hundred day rows instead of reading ~200k records. A name substring count sums the counts of the
matching names (first, last; in lower case, so LIKE does: ILIKE lowers every candidate row)
instead of rechecking ~25k wide records found through the trigram indexes.

Revision ID: 0005_facet_and_name_counts
Revises: 0004_organization_stand_ins
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_facet_and_name_counts"
down_revision = "0004_organization_stand_ins"
branch_labels = None
depends_on = None

# Also in adapters/maintenance.py (the recount).
RECOUNT_FACETS = """
INSERT INTO facet_counts (kind, facet, value, day, count)
SELECT kind, facet, value, date_bin('1 day', moment, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM (SELECT 'calls' AS kind, requested_at AS moment, status, vehicle_make, vehicle_model, vehicle_type
          FROM calls WHERE requested_at IS NOT NULL
        UNION ALL SELECT 'leads', created_at, call_status, vehicle_make, vehicle_model, vehicle_type
          FROM leads) AS records
 CROSS JOIN LATERAL (VALUES ('status', status), ('make', lower(vehicle_make)), ('model', lower(vehicle_model)),
                            ('type', lower(vehicle_type))) AS facets (facet, value)
 WHERE value IS NOT NULL
 GROUP BY 1, 2, 3, 4"""
RECOUNT_NAMES = """
INSERT INTO name_counts (kind, lower_first_name, lower_last_name, count)
SELECT 'calls', coalesce(lower(first_name), ''), coalesce(lower(last_name), ''), count(*) FROM calls GROUP BY 2, 3
UNION ALL
SELECT 'leads', coalesce(lower(first_name), ''), coalesce(lower(last_name), ''), count(*) FROM leads GROUP BY 2, 3"""


def upgrade() -> None:
    op.create_table(
        "facet_counts",
        sa.Column("kind", sa.String(8), primary_key=True),    # calls | leads
        sa.Column("facet", sa.String(8), primary_key=True),   # status | make | model | type
        sa.Column("value", sa.Text, primary_key=True),        # the (call) status, or lower(vehicle_...)
        sa.Column("day", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "name_counts",
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("lower_first_name", sa.Text, primary_key=True),  # '' for none
        sa.Column("lower_last_name", sa.Text, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.execute(RECOUNT_FACETS)
    op.execute(RECOUNT_NAMES)
    for column in ("lower_first_name", "lower_last_name"):
        op.execute(f"CREATE INDEX ix_name_counts_{column}_trgm ON name_counts USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    op.drop_table("name_counts")
    op.drop_table("facet_counts")
