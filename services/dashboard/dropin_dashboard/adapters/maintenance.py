"""Emptying the read models so they can be rebuilt from replayed events."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..ports import ReadModelMaintenance
from .tables import READ_MODEL_TABLES


class SqlReadModelMaintenance(ReadModelMaintenance):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        self._engine = engine
        self._tables = tables

    def truncate(self) -> None:
        # Revocations stay: they are security state, and replaying them is harmless anyway.
        names = ", ".join(self._tables[name].name for name in (*READ_MODEL_TABLES, "inbox"))
        with self._engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names}"))
