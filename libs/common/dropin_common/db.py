"""Engine factory, the messaging tables every service has, and the unit-of-work base.

Each service adds `messaging_tables(metadata)` to its own metadata and creates them in its own
Alembic migrations (`create_messaging_tables(op)`), so outbox, inbox and revocations live in the
service's database and are written in the same transaction as its state changes.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import time
from datetime import timedelta
from typing import Any, Literal

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine

from .events import Event
from .logs import current_correlation_id
from .timeutil import utcnow

OUTBOX_NOTIFY_CHANNEL = "dropin_outbox"


# A pooled connection idle longer than this is pinged before it is handed out (the server may have
# restarted or dropped it meanwhile); one that came back from a request a moment ago is not. A ping
# on every checkout (pool_pre_ping) was a round trip per checkout, a sixth of a short read's time. A
# connection that dies between two uses anyway is what every other fault already meets: a read is
# retried once (http.ServiceFlask), a write answers 503 with Retry-After, a consumer requeues.
PING_AFTER_IDLE_SECONDS = 1.0


def make_engine(url: str, *, pool_size: int = 5, jit: bool = True, custom_plans: bool = False) -> Engine:
    """`jit=False` turns PostgreSQL's JIT compilation off on every connection: for services whose
    short queries carry row estimates far too high (substring filters on trigram indexes), which
    started a JIT compilation costing more than the query itself.

    `custom_plans=True` plans every statement for its own parameters. psycopg prepares a statement
    on the server from its fifth run on a connection, and PostgreSQL may then settle on one generic
    plan for every parameter; for reports whose filters differ in selectivity by orders of magnitude
    that plan is wrong for most of them (a phone filter over a year of 10M calls: 20 ms with its
    own plan, 405 ms with the generic one, which ANDs five million rows of the time index)."""
    options = [*([] if jit else ["-c jit=off"]), *(["-c plan_cache_mode=force_custom_plan"] if custom_plans else [])]
    connect_args = {"options": " ".join(options)} if options else {}
    engine = sa.create_engine(url, pool_size=pool_size, max_overflow=10, pool_recycle=1800, future=True,
                              connect_args=connect_args)
    _ping_connections_idle_since(engine, PING_AFTER_IDLE_SECONDS)
    return engine


def _ping_connections_idle_since(engine: Engine, seconds: float) -> None:
    """pool_pre_ping, for connections idle in the pool longer than `seconds` only. A dead one is
    replaced, and every connection pooled before it too (as pre_ping does: the server restarted)."""
    dialect = engine.dialect

    @sa.event.listens_for(engine.pool, "checkin")
    def note_return(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @sa.event.listens_for(engine.pool, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < seconds:
            return  # a new connection, or one in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise sa.exc.InvalidatePoolError() from exc
            raise


def reading_engine(engine: Engine) -> Engine:
    """`engine` for reads: each statement commits on its own (autocommit), so a read is one round
    trip instead of BEGIN, the query and ROLLBACK. At READ COMMITTED every statement of a
    transaction sees its own snapshot anyway, so reads see what they would have seen; what needs a
    transaction (FOR UPDATE, SET LOCAL, a write) does not belong here. Shares `engine`'s pool.

    Made once per engine (27 us each time otherwise, on every request) and kept on the engine
    itself: a cache beside it would keep every engine alive, since the reading one refers to it."""
    reading = engine.__dict__.get(_READING_ENGINE)
    if reading is None:
        reading = engine.__dict__[_READING_ENGINE] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return reading


_READING_ENGINE = "_dropin_reading_engine"


# Faults that pass: the connection dropped or the server shed it (class 08; 57P01 is
# pg_terminate_backend), a serialization failure or deadlock (retry the transaction), too many
# connections, a cancelled query or a lock not granted in time.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "53300", "55P03", "57014", "57P01", "57P02", "57P03"})
# Faults of the data itself that no retry mends: a value of the wrong form or size (22), a violated
# constraint (23, but a unique violation may be a race with a concurrent writer, see below), a
# value beyond a limit of the server, such as an index row too long (54).
PERMANENT_SQLSTATE_CLASSES = ("22", "23", "54")
RACE_SQLSTATES = frozenset({"23505"})

DatabaseFault = Literal["transient", "permanent"]


def database_fault(exc: BaseException) -> DatabaseFault | None:
    """Tells a database error that will pass ("transient": retry) from one that will not
    ("permanent": a retry fails the same way); None for any other error."""
    if isinstance(exc, (sa.exc.DisconnectionError, sa.exc.TimeoutError)):
        return "transient"  # a connection that failed its ping, a pool with no connection free
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return "transient"
        if exc.orig is None:
            return None
        exc = exc.orig
    if not isinstance(exc, psycopg.Error):
        return None
    sqlstate = exc.sqlstate
    if sqlstate is None:
        # No answer from the server at all: the connection could not be made or broke.
        return "transient" if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) else None
    if sqlstate in TRANSIENT_SQLSTATES or sqlstate.startswith("08"):
        return "transient"
    if sqlstate.startswith(PERMANENT_SQLSTATE_CLASSES) and sqlstate not in RACE_SQLSTATES:
        return "permanent"
    return None


def messaging_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        # broker | pusher | email ...: one relay process per destination, so one slow sink
        # never holds back another.
        sa.Column("destination", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        # Set when the destination refused the row for good (see outbox.Undeliverable); the row
        # stays, with its last_error, for an operator to read or to requeue.
        sa.Column("given_up_at", sa.DateTime(timezone=True)),
    )
    sa.Index("ix_outbox_pending", outbox.c.destination, outbox.c.available_at, outbox.c.id,
             postgresql_where=outbox.c.sent_at.is_(None))
    inbox = sa.Table(
        "inbox", metadata,
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    revoked_tokens = sa.Table(
        "revoked_tokens", metadata,
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
    )
    token_cutoffs = sa.Table(
        "token_cutoffs", metadata,
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("not_before", sa.Float, nullable=False),
    )
    return {"outbox": outbox, "inbox": inbox, "revoked_tokens": revoked_tokens,
            "token_cutoffs": token_cutoffs}


def create_messaging_tables(op) -> None:
    """For a service's first Alembic revision: the messaging tables as they first were.

    Written out rather than built from `messaging_tables()`, so that this revision means the same
    thing forever; later changes are revisions of their own (`add_outbox_given_up_at`).
    """
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("destination", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", timestamp, nullable=False, server_default=sa.func.now()),
        sa.Column("available_at", timestamp, nullable=False, server_default=sa.func.now()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", timestamp),
    )
    op.create_index("ix_outbox_pending", "outbox", ["destination", "available_at", "id"],
                    postgresql_where=sa.text("sent_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("handled_at", timestamp, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "revoked_tokens",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", timestamp),
    )
    op.create_table(
        "token_cutoffs",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("not_before", sa.Float, nullable=False),
    )


def add_outbox_given_up_at(op) -> None:
    """Second revision of the messaging tables: rows a destination refused for good."""
    op.add_column("outbox", sa.Column("given_up_at", sa.DateTime(timezone=True)))


PRUNE_CHUNK = 5000  # rows per DELETE, so pruning a large backlog never holds long locks


def delete_in_chunks(engine: Engine, table: sa.Table, key: sa.Column, condition) -> int:
    """Deletes the rows matching `condition`, PRUNE_CHUNK per transaction; returns how many."""
    deleted = 0
    while True:
        chunk = (sa.select(key).where(condition).limit(PRUNE_CHUNK)
                 .with_for_update(skip_locked=True).scalar_subquery())
        with engine.begin() as conn:
            count = conn.execute(table.delete().where(key.in_(chunk))).rowcount
        deleted += count
        if count < PRUNE_CHUNK:
            return deleted


def prune_consumer_tables(engine: Engine, tables: dict[str, sa.Table], inbox_retention: timedelta) -> int:
    """A consumer's housekeeping: inbox rows older than `inbox_retention` (a redelivery comes within
    minutes, not weeks) and revoked tokens past their own expiry (refused by then anyway)."""
    inbox, revoked = tables["inbox"], tables["revoked_tokens"]
    now = utcnow()
    return (delete_in_chunks(engine, inbox, inbox.c.event_id, inbox.c.handled_at < now - inbox_retention)
            + delete_in_chunks(engine, revoked, revoked.c.jti, revoked.c.expires_at < now))


class OutboxWriter:
    """Collects outgoing messages during a transaction and writes them into the outbox on it, all
    in one statement, when the unit of work commits (`flush`)."""

    def __init__(self, connection: Connection, outbox: sa.Table):
        self._connection = connection
        self._outbox = outbox
        self._rows: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, event: Event) -> None:
        """An integration event for the broker (routing key = event type), carrying the correlation
        id of the request or event that caused it."""
        if event.correlation_id is None and current_correlation_id():
            event = dataclasses.replace(event, correlation_id=current_correlation_id())
        self.add("broker", event.type, event.to_envelope())

    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None:
        self._rows.append((destination, topic, payload))

    def flush(self) -> None:
        """Inserts the rows added since the last flush, in their order, and wakes each of their
        destinations' relays once (a NOTIFY, delivered only if the transaction commits): one round
        trip however many rows a change produced (a stream request writes three)."""
        if not self._rows:
            return
        rows, self._rows = self._rows, []
        self._connection.execute(_insert_and_notify(self._outbox), {
            "destinations": [destination for destination, _, _ in rows],
            "topics": [topic for _, topic, _ in rows],
            "payloads": [json.dumps(payload) for _, _, payload in rows]})


@functools.lru_cache(maxsize=4)
def _insert_and_notify(outbox: sa.Table) -> sa.TextClause:
    # Built once per table: text, so no statement is rebuilt or recompiled per transaction.
    # WITH ORDINALITY keeps the rows' order in their ids, which relays send in.
    return sa.text(f"""
        WITH inserted AS (
            INSERT INTO {outbox.name} (destination, topic, payload)
            SELECT destination, topic, payload::jsonb
              FROM unnest(CAST(:destinations AS text[]), CAST(:topics AS text[]), CAST(:payloads AS text[]))
                   WITH ORDINALITY AS added(destination, topic, payload, position)
             ORDER BY position
            RETURNING destination)
        SELECT pg_notify('{OUTBOX_NOTIFY_CHANNEL}', destination)
          FROM (SELECT DISTINCT destination FROM inserted) AS woken""")


class SqlUnitOfWork:
    """One transaction on one connection. Subclasses build their repositories in `_open`.

        with uow:
            uow.streams.add(stream)
            uow.outbox.publish(event)
            uow.commit()
    Leaving the block without `commit()` rolls back.
    """

    outbox_table: sa.Table

    def __init__(self, engine: Engine, outbox_table: sa.Table, *, reading: bool = False):
        """`reading`: for use cases that only read; no transaction (see `reading_engine`), and
        `commit()` refuses."""
        self._engine = reading_engine(engine) if reading else engine
        self._reading = reading
        self.outbox_table = outbox_table
        self.connection: Connection | None = None

    def __enter__(self):
        self.connection = self._engine.connect()
        self._transaction = self.connection.begin()
        self.outbox = OutboxWriter(self.connection, self.outbox_table)
        self._open(self.connection)
        return self

    def _open(self, connection: Connection) -> None:  # pragma: no cover - overridden
        pass

    def commit(self) -> None:
        if self._reading:
            # Its statements committed one by one: a use case that writes must not be given one.
            raise RuntimeError("a reading unit of work has nothing to commit; writes need uow(), not reader()")
        self.outbox.flush()
        self._transaction.commit()

    def rollback(self) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()

    def __exit__(self, *exc_info) -> None:
        try:
            self.rollback()
        finally:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
