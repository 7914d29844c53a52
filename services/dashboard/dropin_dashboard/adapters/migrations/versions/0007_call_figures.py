"""Per-call answer figures, organization time zones, and the exact call_stats / answer_times
pre-aggregations the KPI, series, heatmap endpoints read.

Revision ID: 0007_call_figures
Revises: 0006_outbox_given_up_at
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_call_figures"
down_revision = "0006_outbox_given_up_at"
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
INSERT INTO call_stats (scope, grain, bucket, calls, answered, missed, expired, duration_total, durations,
                        leads, calls_with_lead)
WITH hourly AS (
  SELECT organization_id AS org, date_bin('1 hour', requested_at, timestamptz '2000-01-01 00:00Z') AS hour,
         count(*) AS calls, count(accepted_at) AS answered, count(*) FILTER (WHERE status = 'missed') AS missed,
         count(*) FILTER (WHERE status = 'expired') AS expired,
         coalesce(sum(duration_seconds), 0) AS duration_total, count(duration_seconds) AS durations,
         sum(lead_count) AS leads, count(*) FILTER (WHERE lead_count > 0) AS calls_with_lead
    FROM calls WHERE requested_at IS NOT NULL GROUP BY 1, 2)
SELECT k.scope, k.grain, k.bucket, sum(calls), sum(answered), sum(missed), sum(expired), sum(duration_total),
       sum(durations), sum(leads), sum(calls_with_lead)
  FROM hourly CROSS JOIN LATERAL (VALUES
       (org, 'hour', hour), (org, 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z')),
       ('', 'hour', hour), ('', 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z'))) AS k (scope, grain, bucket)
 WHERE k.scope IS NOT NULL
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3"""
RECOUNT_ANSWER_TIMES = """
INSERT INTO answer_times (scope, grain, bucket, seconds, count)
WITH hourly AS (
  SELECT organization_id AS org, date_bin('1 hour', requested_at, timestamptz '2000-01-01 00:00Z') AS hour,
         time_to_answer_seconds AS seconds, count(*) AS n
    FROM calls WHERE requested_at IS NOT NULL AND time_to_answer_seconds IS NOT NULL GROUP BY 1, 2, 3)
SELECT k.scope, k.grain, k.bucket, seconds, sum(n)
  FROM hourly CROSS JOIN LATERAL (VALUES
       (org, 'hour', hour), (org, 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z')),
       ('', 'hour', hour), ('', 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z'))) AS k (scope, grain, bucket)
 WHERE k.scope IS NOT NULL
 GROUP BY 1, 2, 3, 4
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
    op.drop_index("ix_leads_organization_id", "leads")
    op.execute(BACKFILL_CALLS)
    op.execute(RECOUNT_CALL_STATS)
    op.execute(RECOUNT_ANSWER_TIMES)


def downgrade() -> None:
    op.create_index("ix_calls_organization_id", "calls", ["organization_id"])
    op.create_index("ix_leads_organization_id", "leads", ["organization_id"])
    op.drop_index("ix_leads_organization_created", "leads")
    op.drop_index("ix_calls_organization_requested", "calls")
    op.drop_table("answer_times")
    op.drop_table("call_stats")
    op.drop_column("organizations", "timezone")
    for column in ("lead_count", "dealers_rung", "missed_reason", "time_to_answer_seconds"):
        op.drop_column("calls", column)
