"""Answered calls per dealer and UTC day / month / year (dealer_stats) and their answer times in whole
seconds (dealer_answer_times): exact pre-aggregations the leaderboard of every organization reads
instead of every answered call of the period.

Revision ID: 0009_dealer_stats
Revises: 0008_call_figures
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_dealer_stats"
down_revision = "0008_call_figures"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
# Also in adapters/maintenance.py (the recount).
DAY_OF_REQUEST = "date_bin('1 day', requested_at, timestamptz '2000-01-01 00:00Z')"
DEALERS_ANSWERED = "accepted_at IS NOT NULL AND dealer_id IS NOT NULL AND requested_at IS NOT NULL"
RECOUNT_DEALER_STATS = f"""
INSERT INTO dealer_stats (grain, bucket, dealer_id, answered, duration_total, durations, leads)
WITH daily AS (  -- each dealer's answered calls per UTC day
  SELECT dealer_id, {DAY_OF_REQUEST} AS day, count(*) AS answered,
         coalesce(sum(duration_seconds), 0) AS duration_total, count(duration_seconds) AS durations,
         coalesce(sum(lead_count), 0) AS leads
    FROM calls WHERE {DEALERS_ANSWERED} GROUP BY 1, 2)
SELECT * FROM (
  SELECT 'day', day, dealer_id, answered, duration_total, durations, leads FROM daily
  UNION ALL
  SELECT grain, date_trunc(grain, day, 'UTC'), dealer_id, sum(answered), sum(duration_total), sum(durations),
         sum(leads)
    FROM daily CROSS JOIN (VALUES ('month'), ('year')) AS grains (grain) GROUP BY 1, 2, 3) AS rows
 ORDER BY 1, 2, 3"""
RECOUNT_DEALER_ANSWER_TIMES = f"""
INSERT INTO dealer_answer_times (grain, bucket, dealer_id, seconds, count)
WITH daily AS (  -- each dealer's answered calls per UTC day and seconds to answer
  SELECT dealer_id, {DAY_OF_REQUEST} AS day, time_to_answer_seconds AS seconds, count(*) AS n
    FROM calls WHERE {DEALERS_ANSWERED} AND time_to_answer_seconds IS NOT NULL GROUP BY 1, 2, 3)
SELECT * FROM (
  SELECT 'day', day, dealer_id, seconds, n FROM daily
  UNION ALL
  SELECT grain, date_trunc(grain, day, 'UTC'), dealer_id, seconds, sum(n)
    FROM daily CROSS JOIN (VALUES ('month'), ('year')) AS grains (grain) GROUP BY 1, 2, 3, 4) AS rows
 ORDER BY 1, 2, 3, 4"""


def upgrade() -> None:
    op.create_table(
        "dealer_stats",
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        sa.Column("dealer_id", sa.String(64), primary_key=True),
        *[sa.Column(name, sa.BigInteger, nullable=False, server_default="0")
          for name in ("answered", "duration_total", "durations", "leads")],
    )
    op.create_table(
        "dealer_answer_times",
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("bucket", TZ, nullable=False),
        sa.Column("dealer_id", sa.String(64), nullable=False),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    # The count in the key's index too: the page's dealers' histograms by an index-only scan.
    op.execute("ALTER TABLE dealer_answer_times ADD CONSTRAINT dealer_answer_times_pkey "
               "PRIMARY KEY (grain, bucket, dealer_id, seconds) INCLUDE (count)")
    op.execute(RECOUNT_DEALER_STATS)
    op.execute(RECOUNT_DEALER_ANSWER_TIMES)


def downgrade() -> None:
    op.drop_table("dealer_answer_times")
    op.drop_table("dealer_stats")
