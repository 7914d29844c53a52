"""How far behind a consumer's read models are: the newest event applied, and when.

A consumer passes `record_progress(table)` as its processor's `on_applied`: on the same
transaction as each event's effect, one row per queue keeps the newest `occurredAt` applied and the
time it was applied. `data_age()` reads it: the age of the newest applied event is how old the
freshest thing the read models know is — it grows while the consumer lags (or stands still).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from .db import reading_engine
from .events import Event
from .timeutil import iso, utcnow


def consumer_progress_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "consumer_progress", metadata,
        sa.Column("queue", sa.String(100), primary_key=True),
        sa.Column("newest_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )


def create_consumer_progress_table(op) -> None:
    """For a service's Alembic revision that adds the table."""
    op.create_table(
        "consumer_progress",
        sa.Column("queue", sa.String(100), primary_key=True),
        sa.Column("newest_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )


def record_progress(table: sa.Table, queue: str):
    """An `on_applied` handler keeping `queue`'s row up to date. Its statement is built once: it
    runs with every event a consumer applies."""
    occurred_at = sa.bindparam("occurred_at", type_=sa.DateTime(timezone=True))
    insert = pg_insert(table).values(queue=queue, newest_event_at=occurred_at, applied_at=sa.func.now())
    upsert = insert.on_conflict_do_update(index_elements=["queue"], set_={
        "newest_event_at": sa.func.greatest(table.c.newest_event_at, insert.excluded.newest_event_at),
        "applied_at": insert.excluded.applied_at})

    def on_applied(event: Event, conn: Connection) -> None:
        conn.execute(upsert, {"occurred_at": event.occurred_at})
    return on_applied


@dataclass(frozen=True)
class DataAge:
    newest_event_at: datetime | None
    applied_at: datetime | None
    age_seconds: float | None  # None: nothing applied yet

    def as_detail(self) -> dict:
        return {"newestEventAt": iso(self.newest_event_at) if self.newest_event_at else None,
                "lastAppliedAt": iso(self.applied_at) if self.applied_at else None,
                "dataAgeSeconds": None if self.age_seconds is None else round(self.age_seconds, 1)}


def data_age(engine: Engine, table: sa.Table, queue: str, now: datetime | None = None) -> DataAge:
    with reading_engine(engine).connect() as conn:
        row = conn.execute(sa.select(table.c.newest_event_at, table.c.applied_at)
                           .where(table.c.queue == queue)).first()
    if row is None:
        return DataAge(None, None, None)
    age = max(0.0, ((now or utcnow()) - row.newest_event_at).total_seconds())
    return DataAge(row.newest_event_at, row.applied_at, age)
