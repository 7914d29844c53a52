"""The outbox relay: takes unsent rows of one destination and hands them to a sink.

Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several relays can run side by side. A row is
marked sent only after its sink returned (for the broker: after the publisher confirm), so a crash
in between re-sends it: delivery is at-least-once and consumers de-duplicate by event id. Each row
is claimed, sent and marked in a transaction of its own, so a crash re-sends at most the one row
in flight per relay, and every message carries a stable id (event id, e-mail Message-ID, Pusher
`eventId`) by which a receiver can drop that repeat.
- The destination down (`SinkUnavailable`): the relay waits and retries the same rows.
- One row failing: that row is retried later with exponential backoff; the others go on.
- One row refused for good (`Undeliverable`): it is set aside (`given_up_at`), kept and logged.
The relay sleeps on PostgreSQL LISTEN, woken by the NOTIFY the writer sends on commit.
Sent rows are kept for `retention` (a trail to debug delivery with), then the relay deletes them;
with no retention (the broker's rows: the event log a read model is rebuilt from) they stay.
"""
from __future__ import annotations

import logging
import signal
import time
from datetime import timedelta
from collections.abc import Callable
from typing import Any, Protocol

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from . import metrics
from .db import OUTBOX_NOTIFY_CHANNEL, delete_in_chunks
from .logs import correlated
from .timeutil import utcnow

log = logging.getLogger(__name__)


BROKER_DESTINATION = "broker"  # the outbox rows of integration events (OutboxWriter.publish)


class SinkUnavailable(Exception):
    """The sink's transport is down (broker, Pusher, SMTP): wait and retry the same rows, without
    counting an attempt against any of them."""


class Undeliverable(Exception):
    """The destination refused this one row for good (Pusher's 4xx, SMTP's 5xx): retrying cannot
    help, and keeping it at the head of the queue would hold back the rows behind it. The relay
    sets it aside (`given_up_at`, with `last_error`) and goes on."""


class Sink(Protocol):
    def send(self, topic: str, payload: dict[str, Any]) -> None: ...

    def idle(self, seconds: float) -> None:
        """Called while waiting, e.g. to serve broker heartbeats."""


class BrokerSink:
    """Publishes integration events. An event returned unroutable although the topology has a queue
    for its type (`subscribed`) is a failure, retried with backoff: the queue is missing (not
    declared yet, or deleted), and marking the row sent would lose the event. One that no queue is
    meant to receive is sent, to nobody."""

    def __init__(self, publisher, subscribed: Callable[[str], bool] | None = None):
        from .topology import is_subscribed
        self._publisher = publisher
        self._subscribed = subscribed or is_subscribed

    def send(self, topic: str, payload: dict[str, Any]) -> None:
        from .broker import CONNECTION_ERRORS, Unroutable
        try:
            self._publisher.publish(topic, payload, message_id=payload.get("id"))
        except Unroutable:
            if self._subscribed(topic):
                raise
            log.debug("no queue consumes %s", topic)
        except CONNECTION_ERRORS as exc:
            raise SinkUnavailable(f"broker unreachable: {exc!r}") from exc

    def idle(self, seconds: float) -> None:
        self._publisher.process_events(0)


DEFAULT_RETENTION = timedelta(days=7)
# What became of one row (or of the attempt to find one): the relay's outcome points.
SENT, SET_ASIDE, FAILED, NOTHING_PENDING = "sent", "set_aside", "failed", "nothing_pending"


# How long to wait before the next try of a row that failed `attempts` times (counting this
# failure); None sets the row aside (`given_up_at`) instead.
Backoff = Callable[[int], "timedelta | None"]


def default_backoff(attempts: int) -> timedelta:
    """Retries for ever, at most a minute apart: for the broker and Pusher, whose rows only ever
    fail while the destination has trouble."""
    return timedelta(seconds=min(60.0, 0.5 * (2 ** min(attempts - 1, 7))))


class OutboxRelay:
    def __init__(self, engine: Engine, outbox: sa.Table, destination: str, sink: Sink,
                 batch_size: int = 100, idle_wait_seconds: float = 1.0,
                 retention: timedelta | None = DEFAULT_RETENTION, prune_interval_seconds: float = 300.0,
                 backoff: Backoff = default_backoff, keep_order: bool = True):
        """`keep_order=False` lets the rows behind a failed one go out in the same batch: for
        destinations whose rows are independent (webhooks to many endpoints), where one dead
        endpoint must not slow the others."""
        self._engine = engine
        self._outbox = outbox
        self._destination = destination
        self._sink = sink
        self._batch_size = batch_size
        self._idle_wait = idle_wait_seconds
        self._retention = retention
        self._prune_interval = prune_interval_seconds
        self._backoff = backoff
        self._keep_order = keep_order
        self._running = True
        o = outbox
        # Built once: a relay runs them for every row, and building costs more than running.
        # The claim also makes the transaction's commit asynchronous (`set_config(..., true)` is
        # SET LOCAL): the mark of a sent row is durable a moment later, not at once; only a crash
        # of PostgreSQL itself (not of the relay or a connection) could then re-send the last few
        # rows, and nothing is lost either way.
        self._claim = (sa.select(o.c.id, o.c.topic, o.c.payload, o.c.attempts,
                                 sa.func.set_config("synchronous_commit", "off", True))
                       .where(o.c.destination == destination, o.c.sent_at.is_(None),
                              o.c.given_up_at.is_(None), o.c.available_at <= sa.func.now())
                       .order_by(o.c.id).limit(2)
                       .with_for_update(skip_locked=True))
        self._mark_sent = o.update().where(o.c.id == sa.bindparam("row_id")).values(sent_at=sa.func.now())

    def stop(self, *_args) -> None:
        self._running = False

    def relay_batch(self) -> int:
        """Sends up to `batch_size` rows; returns how many were sent. Stops at the first failure
        (unless `keep_order` is off)."""
        sent = 0
        for _ in range(self._batch_size):
            try:
                outcome, more = self._relay_one()
            except SinkUnavailable:
                if sent:
                    break  # keep what was sent; the caller backs off before the next batch
                raise
            if outcome == SENT:
                sent += 1
            if not more or outcome == NOTHING_PENDING or (outcome == FAILED and self._keep_order):
                break
        return sent

    def _relay_one(self) -> tuple[str, bool]:
        """Claims the oldest pending row, sends it and marks it sent, in a transaction of its own:
        a crash of the relay (or of its database connection) re-sends at most the row in flight,
        never the rows sent before it. Also says whether another row was waiting behind it (the
        claim looks at two), so a relay that sent the last row does not open one more transaction
        to find nothing."""
        with self._engine.begin() as conn:
            rows = conn.execute(self._claim).all()
            if not rows:
                return NOTHING_PENDING, False
            return self._send(conn, rows[0]), len(rows) > 1

    def _send(self, conn: sa.Connection, row) -> str:
        """Sends one claimed row and records the outcome on the claim's transaction."""
        o = self._outbox
        try:
            with correlated(_correlation_id(row.payload)):
                self._sink.send(row.topic, row.payload)
                log.info("outbox %s row %s sent: %s", self._destination, row.id, row.topic)
        except SinkUnavailable:
            metrics.OUTBOX_DELIVERIES.labels(self._destination, "unavailable").inc()
            raise  # rolls back: the row stays as it was, no attempt counted
        except Undeliverable as exc:
            metrics.OUTBOX_DELIVERIES.labels(self._destination, "given_up").inc()
            log.error("outbox %s row %s refused for good, set aside: %s", self._destination,
                      row.id, exc)
            conn.execute(o.update().where(o.c.id == row.id).values(
                attempts=o.c.attempts + 1, last_error=str(exc)[:2000], given_up_at=sa.func.now()))
            return SET_ASIDE
        except Exception as exc:  # noqa: BLE001 - any sink fault: retry later, keep the row
            metrics.OUTBOX_DELIVERIES.labels(self._destination, "retry").inc()
            delay = self._backoff(row.attempts + 1)
            log.warning("outbox %s row %s failed (attempt %s)%s: %s", self._destination, row.id,
                        row.attempts + 1, "" if delay is not None else ", giving up", exc)
            retry = ({"given_up_at": sa.func.now()} if delay is None
                     else {"available_at": utcnow() + delay})
            conn.execute(o.update().where(o.c.id == row.id).values(
                attempts=o.c.attempts + 1, last_error=str(exc)[:2000], **retry))
            return FAILED if delay is not None else SET_ASIDE
        conn.execute(self._mark_sent, {"row_id": row.id})  # committed asynchronously (see the claim)
        metrics.OUTBOX_DELIVERIES.labels(self._destination, "sent").inc()
        return SENT

    def prune_sent(self) -> int:
        """Deletes this destination's rows sent longer than `retention` ago; returns how many.
        Unsent rows are never touched, however old."""
        if self._retention is None:
            return 0
        o = self._outbox
        return delete_in_chunks(self._engine, o, o.c.id, sa.and_(
            o.c.destination == self._destination, o.c.sent_at < utcnow() - self._retention))

    def run_forever(self, *, handle_signals: bool = True) -> None:
        """Runs until stopped; `handle_signals=False` when run in a thread (tests)."""
        if handle_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        log.info("outbox relay for %s started", self._destination)
        listener = None
        outage_wait = 0.5
        next_prune = time.monotonic()
        while self._running:
            metrics.heartbeat()
            try:
                if listener is None:
                    listener = _listen(self._engine)
                    metrics.set_ready(True)
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + self._prune_interval
                    pruned = self.prune_sent()
                    if pruned:
                        log.info("pruned %s sent %s outbox rows", pruned, self._destination)
                try:
                    sent = self.relay_batch()
                except SinkUnavailable as exc:
                    log.warning("%s unavailable, retrying in %.1fs: %s", self._destination, outage_wait, exc)
                    time.sleep(outage_wait)
                    outage_wait = min(outage_wait * 2, 5.0)
                    continue
                outage_wait = 0.5
                if sent == self._batch_size:
                    continue
                self._sink.idle(0)
                _wait_for_notify(listener, self._destination, self._idle_wait)
            except (sa.exc.OperationalError, psycopg.OperationalError) as exc:
                log.warning("database unavailable for the %s relay: %s", self._destination, exc)
                _close(listener)
                listener = None
                metrics.set_ready(False)
                time.sleep(1.0)
        _close(listener)

    def collectors(self):
        """What its /metrics adds: its destination's backlog."""
        return (metrics.CallbackCollector(self.backlog),)

    def backlog(self):
        """Gauges read at scrape time: rows waiting (and the age of the oldest), rows set aside."""
        o = self._outbox
        with self._engine.connect() as conn:
            waiting, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.extract("epoch", sa.func.now() - sa.func.min(o.c.created_at)))
                .where(o.c.destination == self._destination, o.c.sent_at.is_(None),
                       o.c.given_up_at.is_(None))).one()
            given_up = conn.execute(sa.select(sa.func.count()).where(
                o.c.destination == self._destination, o.c.given_up_at.is_not(None))).scalar_one()
        label = [self._destination]
        yield ("dropin_outbox_waiting_rows", "Outbox rows not sent yet.", ["destination"], [(label, waiting)])
        yield ("dropin_outbox_oldest_waiting_age_seconds", "Age of the oldest outbox row not sent yet (0: none).",
               ["destination"], [(label, float(oldest or 0))])
        yield ("dropin_outbox_given_up_rows", "Outbox rows the destination refused for good, set aside.",
               ["destination"], [(label, given_up)])


def _listen(engine: Engine) -> psycopg.Connection:
    url = make_url(engine.url).set(drivername="postgresql")
    conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    conn.execute(f"LISTEN {OUTBOX_NOTIFY_CHANNEL}")
    return conn


def _wait_for_notify(conn: psycopg.Connection, destination: str, timeout: float) -> None:
    """Waits for rows of this relay's destination. Every service's relays share one channel and
    the payload names the destination: waking for the others' rows would cost each relay an empty
    claim per row written (four relays, three rows a stream request)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        for notify in conn.notifies(timeout=left, stop_after=1):
            if notify.payload == destination:
                return


def _close(conn: psycopg.Connection | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            pass


def _correlation_id(payload: dict[str, Any]) -> str | None:
    value = payload.get("correlationId") if isinstance(payload, dict) else None
    return value if isinstance(value, str) else None
