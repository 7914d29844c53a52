"""CSV exports produced by PostgreSQL itself: `COPY (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)`.

Rows never pass through Python objects: psycopg hands over the COPY stream row by row, gathered into
blocks of about 64 KiB that the HTTP response forwards, so memory stays flat whatever the row count.
COPY takes no server-side parameters, so the SELECT (built from the same criteria as the lists) is bound on the
client by psycopg's own quoting (`ClientCursor.mogrify`). Times are shifted to the client's zone
in SQL; text cells that a spreadsheet would run as a formula get a leading apostrophe.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import INTERVAL
from sqlalchemy.engine import Engine

from dropin_common.timeutil import ClientTimezoneOffset

from ..domain.filters import Page, RecordFilter
from ..ports import CsvExporter
from .criteria import RecordColumns, call_columns, lead_columns

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_TIME_FORMAT = "YYYY-MM-DD HH24:MI:SS"
CHUNK_BYTES = 64 * 1024  # rows are gathered into writes of about this size


def csv_safe(text: sa.ColumnElement) -> sa.ColumnElement:
    return sa.case((sa.func.left(text, 1).in_(FORMULA_TRIGGERS), sa.literal("'") + text), else_=text)


def local_time(moment: sa.ColumnElement, timezone_offset: int) -> sa.ColumnElement:
    """UTC instant -> wall-clock text in the client's zone (`timezone_offset` as the contract gives it)."""
    shift = sa.cast(sa.literal(f"{ClientTimezoneOffset(timezone_offset).utc_offset_minutes} minutes"), INTERVAL)
    return sa.func.to_char(sa.func.timezone("UTC", moment) + shift, LOCAL_TIME_FORMAT)


def call_csv_columns(calls: sa.Table, offset: int) -> list[sa.ColumnElement]:
    c = calls.c
    dealer_name = sa.func.nullif(sa.func.concat_ws(" ", c.dealer_first_name, c.dealer_last_name), "")
    return [c.id.label("id"), local_time(c.requested_at, offset).label("requestedAt"),
            local_time(c.accepted_at, offset).label("acceptedAt"),
            local_time(c.stopped_at, offset).label("stoppedAt"), c.status.label("status"),
            c.duration_seconds.label("durationSeconds"), c.time_to_answer_seconds.label("timeToAnswerSeconds"),
            csv_safe(c.missed_reason).label("missedReason"), c.dealers_rung.label("dealersRung"),
            csv_safe(c.organization_name).label("organizationName"), csv_safe(dealer_name).label("dealerName"),
            csv_safe(c.first_name).label("firstName"), csv_safe(c.last_name).label("lastName"),
            csv_safe(c.email).label("email"), csv_safe(c.phone).label("phone"), csv_safe(c.vin).label("vin"),
            csv_safe(c.vehicle_make).label("make"), csv_safe(c.vehicle_model).label("model"),
            csv_safe(c.vehicle_type).label("type"), c.vehicle_year.label("year"),
            csv_safe(c.note).label("note")]


def lead_csv_columns(leads: sa.Table, offset: int) -> list[sa.ColumnElement]:
    c = leads.c
    return [c.id.label("id"), local_time(c.created_at, offset).label("createdAt"),
            csv_safe(c.first_name).label("firstName"), csv_safe(c.last_name).label("lastName"),
            csv_safe(c.email).label("email"), csv_safe(c.phone).label("phone"),
            csv_safe(c.comment).label("comment"), csv_safe(c.organization_name).label("organizationName"),
            csv_safe(c.vin).label("vin"), csv_safe(c.vehicle_make).label("make"),
            csv_safe(c.vehicle_model).label("model"), csv_safe(c.vehicle_type).label("type"),
            c.vehicle_year.label("year"), c.stream_id.label("streamId"), c.call_status.label("callStatus")]


class PostgresCsvExporter(CsvExporter):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        self._engine = engine
        self._calls = call_columns(tables)
        self._leads = lead_columns(tables)

    def calls_csv(self, criteria: RecordFilter, page: Page, timezone_offset: int) -> Iterator[bytes]:
        return self._export(self._calls, call_csv_columns(self._calls.table, timezone_offset), criteria, page)

    def leads_csv(self, criteria: RecordFilter, page: Page, timezone_offset: int) -> Iterator[bytes]:
        return self._export(self._leads, lead_csv_columns(self._leads.table, timezone_offset), criteria, page)

    def _export(self, columns: RecordColumns, row: list[sa.ColumnElement], criteria: RecordFilter,
                page: Page) -> Iterator[bytes]:
        query = (sa.select(*row).where(*columns.where(criteria)).order_by(*columns.newest_first)
                 .offset(page.skip or None).limit(page.limit))
        compiled = query.compile(dialect=self._engine.dialect, compile_kwargs={"render_postcompile": True})
        return self._copy_blocks(str(compiled), compiled.params)

    def _copy_blocks(self, select_sql: str, params: dict) -> Iterator[bytes]:
        # The connection is taken only once the caller starts reading. Leaving early (client gone)
        # makes psycopg cancel the COPY; the pool then rolls the connection's transaction back.
        raw = self._engine.raw_connection()
        try:
            connection = cast(psycopg.Connection, raw.driver_connection)  # None only once detached
            bound = psycopg.ClientCursor(connection).mogrify(select_sql, params)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = on")  # the engine turns JIT off; an export, a long scan, may gain
            with connection.cursor() as cursor, \
                    cursor.copy(f"COPY ({bound}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                # PostgreSQL sends a COPY message per row: passed on one by one, each row became a
                # write (and an HTTP chunk) of its own, which halved the rate of cheap rows (leads).
                buffer = bytearray()
                for block in copy:
                    buffer += block
                    if len(buffer) >= CHUNK_BYTES:
                        yield bytes(buffer)
                        buffer.clear()
                if buffer:
                    yield bytes(buffer)
        finally:
            raw.close()
