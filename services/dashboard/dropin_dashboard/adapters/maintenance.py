"""Emptying the read models so they can be rebuilt from replayed events."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..ports import ReadModelMaintenance
from .tables import READ_MODEL_TABLES

# Also the migration's backfill (0003): every record counted in its quarter and its UTC day.
RECOUNT_PERIODS = """
INSERT INTO period_counts (kind, grain, bucket, count)
SELECT kind, grain, date_bin(width, moment, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM (SELECT 'calls' AS kind, requested_at AS moment FROM calls WHERE requested_at IS NOT NULL
        UNION ALL SELECT 'leads', created_at FROM leads) AS records
 CROSS JOIN (VALUES ('quarter', interval '15 minutes'), ('day', interval '1 day')) AS grains (grain, width)
 GROUP BY 1, 2, 3"""

# Also the migration's backfill (0005): calls and leads per UTC day and facet value, per name.
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


# Also the migration's backfill (0008): call figures per scope and UTC hour / day, answer times.
RECOUNT_CALL_STATS = """
INSERT INTO call_stats (scope, grain, bucket, calls, answered, missed, expired, duration_total, durations, leads,
                        calls_with_lead)
WITH hourly AS (  -- each organization's calls per UTC hour
  SELECT organization_id AS org, date_bin('1 hour', requested_at, timestamptz '2000-01-01 00:00Z') AS hour,
         count(*) AS calls, count(accepted_at) AS answered, count(*) FILTER (WHERE status = 'missed') AS missed,
         count(*) FILTER (WHERE status = 'expired') AS expired,
         coalesce(sum(duration_seconds), 0) AS duration_total, count(duration_seconds) AS durations,
         sum(lead_count) AS leads, count(*) FILTER (WHERE lead_count > 0) AS calls_with_lead
    FROM calls WHERE requested_at IS NOT NULL GROUP BY 1, 2),
everyone AS (SELECT hour, sum(calls) AS calls, sum(answered) AS answered, sum(missed) AS missed,
                     sum(expired) AS expired, sum(duration_total) AS duration_total, sum(durations) AS durations,
                     sum(leads) AS leads, sum(calls_with_lead) AS calls_with_lead
                FROM hourly GROUP BY hour)
SELECT * FROM (
  SELECT org, 'hour', hour, calls, answered, missed, expired, duration_total, durations, leads, calls_with_lead
    FROM hourly WHERE org IS NOT NULL
  UNION ALL
  SELECT org, 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z'), sum(calls), sum(answered), sum(missed),
         sum(expired), sum(duration_total), sum(durations), sum(leads), sum(calls_with_lead)
    FROM hourly WHERE org IS NOT NULL GROUP BY 1, 3
  UNION ALL
  SELECT '', 'hour', hour, calls, answered, missed, expired, duration_total, durations, leads, calls_with_lead
    FROM everyone
  UNION ALL  -- every organization together: UTC days and the days of each whole-hour zone
  SELECT '', CASE WHEN phase = 0 THEN 'day' ELSE 'day@' || phase END,
         date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z' + phase * interval '1 hour'),
         sum(calls), sum(answered), sum(missed), sum(expired), sum(duration_total), sum(durations), sum(leads),
         sum(calls_with_lead)
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
  SELECT org, 'day', date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z'), seconds, sum(n)
    FROM hourly WHERE org IS NOT NULL GROUP BY 1, 3, 4
  UNION ALL
  SELECT '', 'hour', hour, seconds, n FROM everyone
  UNION ALL  -- every organization together: UTC days and the days of each whole-hour zone
  SELECT '', CASE WHEN phase = 0 THEN 'day' ELSE 'day@' || phase END,
         date_bin('1 day', hour, timestamptz '2000-01-01 00:00Z' + phase * interval '1 hour'), seconds, sum(n)
    FROM everyone CROSS JOIN generate_series(0, 23) AS phase GROUP BY 1, 2, 3, 4) AS rows
 ORDER BY 1, 2, 3, 4"""

# Also the migration's backfill (0009): answered calls per dealer and UTC day / month / year.
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
RECOUNTS = (RECOUNT_PERIODS, RECOUNT_FACETS, RECOUNT_NAMES, RECOUNT_CALL_STATS, RECOUNT_ANSWER_TIMES,
            RECOUNT_DEALER_STATS, RECOUNT_DEALER_ANSWER_TIMES)
COUNT_TABLES = ("period_counts", "facet_counts", "name_counts", "call_stats", "answer_times", "dealer_stats",
                "dealer_answer_times")


class SqlReadModelMaintenance(ReadModelMaintenance):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        self._engine = engine
        self._tables = tables

    def truncate(self) -> None:
        # Revocations stay: they are security state, and replaying them is harmless anyway.
        names = ", ".join(self._tables[name].name for name in (*READ_MODEL_TABLES, "inbox"))
        with self._engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names}"))

    def recount_periods(self) -> None:
        """Rebuilds the counts the projection keeps (period, facet, name counts, call and dealer
        stats, answer times) from the rows."""
        with self._engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {', '.join(COUNT_TABLES)}"))
            for statement in RECOUNTS:
                conn.execute(sa.text(statement))
