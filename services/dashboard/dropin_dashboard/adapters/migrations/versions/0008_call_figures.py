"""Per-call answer figures, organization time zones, and the exact call_stats / answer_times
pre-aggregations the KPI, series, heatmap endpoints read.

Revision ID: 0008_call_figures
Revises: 0007_consumer_progress
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_call_figures"
down_revision = "0007_consumer_progress"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
STAT_COLUMNS = ("calls", "answered", "missed", "expired", "duration_total", "durations", "leads",
                "calls_with_lead")
# Also in adapters/maintenance.py (the recount).
BACKFILL_CALLS = """
UPDATE calls SET
  time_to_answer_seconds = CASE WHEN accepted_at IS NOT NULL AND requested_at IS NOT NULL
    THEN greatest(0, trunc(extract(epoch FROM accepted_at - requested_at)))::int END,
  lead_count = (SELECT count(*) FROM leads WHERE leads.stream_id = calls.id)"""
RECOUNT_CALL_STATS = """
INSERT INTO call_stats (scope, grain, bucket, calls, answered, missed, expired, duration_total, durations, leads, calls_with_lead)
WITH hourly AS (  -- each organization's calls per UTC hour
  SELECT organization_id AS org, date_bin('1 hour', requested_at, timestamptz '2000-01-01 00:00Z') AS hour,
         count(*) AS calls, count(accepted_at) AS answered, count(*) FILTER (WHERE status = 'missed') AS missed,
         count(*) FILTER (WHERE status = 'expired') AS expired,
         coalesce(sum(duration_seconds), 0) AS duration_total, count(duration_seconds) AS durations,
         sum(lead_count) AS leads, count(*) FILTER (WHERE lead_count > 0) AS calls_with_lead
    FROM calls WHERE requested_at IS NOT NULL GROUP BY 1, 2),
everyone AS (SELECT hour, sum(calls) AS calls, sum(answered) AS answered, sum(missed) AS missed, sum(expired) AS expired, sum(duration_total) AS duration_total, sum(durations) AS durations, sum(leads) AS leads, sum(calls_with_lead) AS calls_with_lead FROM hourly GROUP BY hour)
SELECT * FROM (
  SELECT org, 'hour', hour, calls, answered, missed, expired, duration_total, durations, leads, calls_with_lead FROM hourly WHERE org IS NOT NULL
  UNION ALL
  SELECT org, 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z'), sum(calls), sum(answered), sum(missed), sum(expired), sum(duration_total), sum(durations), sum(leads), sum(calls_with_lead) FROM hourly WHERE org IS NOT NULL GROUP BY 1, 3
  UNION ALL
  SELECT '', 'hour', hour, calls, answered, missed, expired, duration_total, durations, leads, calls_with_lead FROM everyone
  UNION ALL  -- every organization together: UTC days and the days of each whole-hour zone
  SELECT '', CASE WHEN phase = 0 THEN 'day' ELSE 'day@' || phase END,
         date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z' + phase * interval '1 hour'), sum(calls), sum(answered), sum(missed), sum(expired), sum(duration_total), sum(durations), sum(leads), sum(calls_with_lead)
    FROM everyone CROSS JOIN generate_series(0, 23) AS phase GROUP BY 1, 2, 3) AS rows
 ORDER BY 1, 2, 3"""
RECOUNT_ANSWER_TIMES = """
INSERT INTO answer_times (scope, grain, bucket, seconds, count)
WITH hourly AS (  -- each organization's answered calls per UTC hour and seconds to answer
  SELECT organization_id AS org, date_bin('1 hour', requested_at, timestamptz '2000-01-01 00:00Z') AS hour,
         time_to_answer_seconds AS seconds, count(*) AS n
    FROM calls WHERE requested_at IS NOT NULL AND time_to_answer_seconds IS NOT NULL GROUP BY 1, 2, 3),
everyone AS (SELECT hour, seconds, sum(n) AS n FROM hourly GROUP BY 1, 2)
SELECT * FROM (
  SELECT org, 'hour', hour, seconds, n FROM hourly WHERE org IS NOT NULL
  UNION ALL
  SELECT org, 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z'), seconds, sum(n) FROM hourly WHERE org IS NOT NULL
   GROUP BY 1, 3, 4
  UNION ALL
  SELECT '', 'hour', hour, seconds, n FROM everyone
  UNION ALL  -- every organization together: UTC days and the days of each whole-hour zone
  SELECT '', CASE WHEN phase = 0 THEN 'day' ELSE 'day@' || phase END,
         date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z' + phase * interval '1 hour'), seconds, sum(n)
    FROM everyone CROSS JOIN generate_series(0, 23) AS phase GROUP BY 1, 2, 3, 4) AS rows
 ORDER BY 1, 2, 3, 4"""


def upgrade() -> None:
    op.add_column("calls", sa.Column("time_to_answer_seconds", sa.Integer))
    op.add_column("calls", sa.Column("missed_reason", sa.Text))
    op.add_column("calls", sa.Column("dealers_rung", sa.Integer))
    op.add_column("calls", sa.Column("lead_count", sa.Integer, nullable=False, server_default="0"))
    op.add_column("organizations", sa.Column("timezone", sa.Text))
    op.create_table(
        "call_stats",
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        *[sa.Column(name, sa.BigInteger, nullable=False, server_default="0") for name in STAT_COLUMNS],
    )
    op.create_table(
        "answer_times",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("bucket", TZ, nullable=False),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    # The count in the key's index too: a histogram is read by an index-only scan.
    op.execute("ALTER TABLE answer_times ADD CONSTRAINT answer_times_pkey "
               "PRIMARY KEY (scope, grain, bucket, seconds) INCLUDE (count)")
    # One organization's calls in a period (KPIs on rows, leaderboards, lists by organization); they
    # also serve every lookup by organization id alone, which the indexes they replace did.
    op.create_index("ix_calls_organization_requested", "calls", ["organization_id", "requested_at"])
    op.create_index("ix_leads_organization_created", "leads", ["organization_id", "created_at"])
    op.drop_index("ix_calls_organization_id", "calls")
    # An organization's leaderboard: its answered calls in a period, read from the index alone.
    op.execute("CREATE INDEX ix_calls_answered ON calls (organization_id, requested_at) INCLUDE (dealer_id, "
               "time_to_answer_seconds, duration_seconds, lead_count, dealer_first_name, dealer_last_name) "
               "WHERE accepted_at IS NOT NULL")
    op.drop_index("ix_leads_organization_id", "leads")
    op.execute(BACKFILL_CALLS)
    op.execute(RECOUNT_CALL_STATS)
    op.execute(RECOUNT_ANSWER_TIMES)


def downgrade() -> None:
    op.drop_index("ix_calls_answered", "calls")
    op.create_index("ix_calls_organization_id", "calls", ["organization_id"])
    op.create_index("ix_leads_organization_id", "leads", ["organization_id"])
    op.drop_index("ix_leads_organization_created", "leads")
    op.drop_index("ix_calls_organization_requested", "calls")
    op.drop_table("answer_times")
    op.drop_table("call_stats")
    op.drop_column("organizations", "timezone")
    for column in ("lead_count", "dealers_rung", "missed_reason", "time_to_answer_seconds"):
        op.drop_column("calls", column)
