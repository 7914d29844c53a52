"""Emptying the read models so they can be rebuilt from replayed events."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..ports import ReadModelMaintenance
from .tables import READ_MODEL_TABLES

RECOUNT_PERIODS = """
INSERT INTO period_counts (kind, bucket, count)
SELECT 'calls', date_bin('15 minutes', requested_at, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM calls WHERE requested_at IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'leads', date_bin('15 minutes', created_at, timestamptz '2000-01-01 00:00Z'), count(*)
  FROM leads GROUP BY 2"""


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
