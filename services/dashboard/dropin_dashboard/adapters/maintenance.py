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
        with self._engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE period_counts"))
            conn.execute(sa.text(RECOUNT_PERIODS))
