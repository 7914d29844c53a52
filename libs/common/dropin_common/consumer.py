"""The consumer loop: one durable queue per service, manual acks, prefetch, bounded retries,
a dead-letter queue, and an inbox so a redelivered event has no second effect.

A handler gets the event and a SQLAlchemy connection inside a transaction; the inbox row is
written on that same transaction, so "handled" and "its effect" commit together or not at all.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import signal
import time
from collections.abc import Callable

import pika
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from . import metrics
from .config import CommonSettings, configure_logging
from .logs import correlated
from .broker import CONNECTION_ERRORS, QueueSpec, connection_parameters, declare_queue
from .db import prune_consumer_tables
from .events import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event, Connection], None]
RETRY_HEADER = "x-dropin-attempts"


class EventProcessor:
    """Applies one event exactly once per database: inbox check, handler, commit."""

    def __init__(self, engine: Engine, inbox: sa.Table, handlers: dict[str, Handler]):
        self._engine = engine
        self._inbox = inbox
        self._handlers = handlers

    def process(self, event: Event) -> bool:
        """Returns False when the event had been handled before (or nobody handles its type)."""
        handler = self._handlers.get(event.type)
        if handler is None:
            return False
        with self._engine.begin() as conn:
            # RETURNING, not rowcount: rowcount after ON CONFLICT is not reliable across drivers.
            first_time = conn.execute(
                pg_insert(self._inbox).values(event_id=event.id, event_type=event.type)
                .on_conflict_do_nothing(index_elements=["event_id"])
                .returning(self._inbox.c.event_id)).first()
            if first_time is None:
                return False
            handler(event, conn)
        return True


class Consumer:
    def __init__(self, amqp_url: str, exchange: str, queue: QueueSpec, processor: EventProcessor,
                 *, prefetch: int = 20, max_attempts: int = 4,
                 housekeeping: Callable[[], int] | None = None, housekeeping_interval: float = 3600.0):
        self._params = connection_parameters(amqp_url)
        self._exchange = exchange
        self._queue = queue
        self._processor = processor
        self._prefetch = prefetch
        self._max_attempts = max_attempts
        self._housekeeping = housekeeping
        self._housekeeping_interval = housekeeping_interval
        self._next_housekeeping = 0.0
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._running = True

    def stop(self, *_args) -> None:
        self._running = False
        if self._connection is not None and self._connection.is_open:
            self._connection.add_callback_threadsafe(self._stop_consuming)

    def _stop_consuming(self) -> None:
        if self._channel is not None and self._channel.is_open:
            self._channel.stop_consuming()

    def run_forever(self, *, handle_signals: bool = True) -> None:
        """Runs until stopped; `handle_signals=False` when run in a thread (tests)."""
        if handle_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        wait = 0.5
        while self._running:
            metrics.heartbeat()
            try:
                self._connection = pika.BlockingConnection(self._params)
                self._channel = self._connection.channel()
                # A retry is re-published before the original is acked; confirms make sure the
                # broker has the copy before the original goes.
                self._channel.confirm_delivery()
                declare_queue(self._channel, self._exchange, self._queue)
                self._channel.basic_qos(prefetch_count=self._prefetch)
                self._channel.basic_consume(queue=self._queue.name, on_message_callback=self._on_message)
                log.info("consuming %s", self._queue.name)
                metrics.set_ready(True)
                self._connection.call_later(0, self._beat)
                wait = 0.5
                if self._housekeeping is not None:
                    # On pika's own loop, between messages, so it never races a handler.
                    self._connection.call_later(max(0.0, self._next_housekeeping - time.monotonic()),
                                                self._housekeep)
                self._channel.start_consuming()
            except CONNECTION_ERRORS as exc:
                if not self._running:
                    break
                log.warning("broker connection lost (%r); reconnecting in %.1fs", exc, wait)
                time.sleep(wait)
                wait = min(wait * 2, 5.0)
            finally:
                metrics.set_ready(False)
                self._close()

    def _beat(self) -> None:
        """Liveness while idle: pika's loop turns, so /healthz keeps answering."""
        metrics.heartbeat()
        if self._connection is not None and self._connection.is_open:
            self._connection.call_later(5.0, self._beat)

    def dead_letter_depth(self):
        """Gauges read at scrape time, on a connection of their own (pika's are not thread-safe)."""
        connection = pika.BlockingConnection(self._params)
        try:
            channel = connection.channel()
            depths = [([name], channel.queue_declare(queue=name, passive=True).method.message_count)
                      for name in (self._queue.name, self._queue.dead_letter_queue)]
        finally:
            connection.close()
        yield ("dropin_queue_messages", "Messages ready in a queue (the consumer's and its dead-letter queue).",
               ["queue"], depths)

    def _housekeep(self) -> None:
        self._next_housekeeping = time.monotonic() + self._housekeeping_interval
        try:
            pruned = self._housekeeping()
            if pruned:
                log.info("housekeeping for %s pruned %s rows", self._queue.name, pruned)
        except Exception as exc:  # noqa: BLE001 - housekeeping must never stop consuming
            log.warning("housekeeping for %s failed: %s", self._queue.name, exc)
        if self._connection is not None and self._connection.is_open:
            self._connection.call_later(self._housekeeping_interval, self._housekeep)

    def _close(self) -> None:
        try:
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
        except Exception:  # noqa: BLE001
            pass
        self._connection = None
        self._channel = None

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        metrics.heartbeat()
        try:
            event = Event.from_envelope(json.loads(body))
        except ValueError as exc:
            log.error("poison message on %s, dead-lettering: %s", self._queue.name, exc)
            metrics.CONSUMER_MESSAGES.labels(self._queue.name, "dead_lettered").inc()
            channel.basic_nack(method.delivery_tag, requeue=False)
            return
        with correlated(event.correlation_id or event.id):  # on its log lines and the events it causes
            self._handle(channel, method, properties, body, event)

    def _handle(self, channel, method, properties, body: bytes, event: Event) -> None:
        try:
            applied = self._processor.process(event)
            metrics.CONSUMER_MESSAGES.labels(self._queue.name, "handled" if applied else "duplicate").inc()
            if applied:
                metrics.event_applied(self._queue.name, event.occurred_at.timestamp())
                log.info("applied %s %s", event.type, event.id)
        except sa.exc.OperationalError as exc:
            # Our database is down: not the event's fault. Put it back and slow down.
            log.warning("database unavailable while handling %s: %s", event.id, exc)
            metrics.CONSUMER_MESSAGES.labels(self._queue.name, "requeued").inc()
            time.sleep(1.0)
            channel.basic_nack(method.delivery_tag, requeue=True)
            return
        except Exception:  # noqa: BLE001 - a failing handler must not kill the consumer
            attempts = int((properties.headers or {}).get(RETRY_HEADER, 1))
            log.exception("handler failed for %s %s (attempt %s)", event.type, event.id, attempts)
            if attempts >= self._max_attempts:
                metrics.CONSUMER_MESSAGES.labels(self._queue.name, "dead_lettered").inc()
                channel.basic_nack(method.delivery_tag, requeue=False)  # to the dead-letter queue
                return
            metrics.CONSUMER_MESSAGES.labels(self._queue.name, "failed").inc()
            time.sleep(min(0.1 * 2 ** attempts, 2.0))
            headers = dict(properties.headers or {})
            headers[RETRY_HEADER] = attempts + 1
            try:
                channel.basic_publish(
                    exchange="", routing_key=self._queue.name, body=body,
                    properties=pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                    message_id=properties.message_id, type=properties.type,
                                                    headers=headers))
            except pika.exceptions.NackError:  # the broker refused the copy: keep the original
                channel.basic_nack(method.delivery_tag, requeue=True)
                return
            channel.basic_ack(method.delivery_tag)
            return
        channel.basic_ack(method.delivery_tag)


def service_consumer(settings: CommonSettings, engine: Engine, tables: dict[str, sa.Table], queue: QueueSpec,
                     handlers: dict[str, Handler]) -> Consumer:
    """The consumer of one service: its queue, its handlers, its inbox table, and the pruning of
    its inbox and expired revocations."""
    queue = dataclasses.replace(queue, quorum=settings.quorum_queues)
    return Consumer(settings.amqp_url, settings.event_exchange, queue,
                    EventProcessor(engine, tables["inbox"], handlers),
                    housekeeping=lambda: prune_consumer_tables(engine, tables, settings.inbox_retention))


def run_consumer(consumer: Consumer) -> None:
    """Entry point body of a consumer process: logging, metrics on METRICS_PORT, then consume until
    SIGTERM."""
    configure_logging()
    metrics.serve_background(None, metrics.LastAppliedCollector(),
                             metrics.CallbackCollector(consumer.dead_letter_depth))
    consumer.run_forever()
