"""The consumer loop: one durable queue per service, manual acks, prefetch, bounded retries,
a dead-letter queue, and an inbox so a redelivered event has no second effect.

A handler gets the event, parsed into its contract class (dropin_common.contracts) at this edge,
and a SQLAlchemy connection inside a transaction; the inbox row is written on that same
transaction, so "handled" and "its effect" commit together or not at all.
"""
from __future__ import annotations

import dataclasses
import logging
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pika
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from . import contracts, metrics
from .broker import CONNECTION_ERRORS, DEAD_LETTER_EXCHANGE, QueueSpec, connection_parameters, declare_queue
from .config import CommonSettings
from .db import database_fault, prune_consumer_tables
from .events import ENVELOPE_VERSION, Event
from .input_guard import UNSTORABLE_ESCAPE, _unstorable, strict_loads
from .logs import correlation_id_var

log = logging.getLogger(__name__)

# A handler takes the typed event (a contracts.EventContract) and the consumer's transaction.
Handler = Callable[[Any, Connection], None]
# A service's handler table: (event type, version) -> handler, e.g. {StreamStopped.key(): ...}; a
# bare type means version 1.
Handlers = Mapping[str, Handler] | Mapping[tuple[str, int], Handler] | Mapping[str | tuple[str, int], Handler]
RETRY_HEADER = "x-dropin-attempts"
DEAD_REASON_HEADER = "x-dropin-dead-reason"
DEAD_QUEUE_HEADER = "x-dropin-dead-queue"
ROUTING_KEY_HEADER = "x-dropin-routing-key"
MAX_BODY_BYTES = 1024 * 1024  # the largest event (a stream snapshot) is a few kB
MAX_DEPTH = 32  # envelopes nest 4-5 levels; 5,000 levels crashed a consumer's JSON parser


class PoisonMessage(Exception):
    """A message no attempt can handle (not an event, an unknown type or version): it goes to the
    dead-letter queue at once, with this exception's text as the reason."""


# What became of one delivery: the one point counters and logs hook into (`Consumer.on_outcome`).
HANDLED, DUPLICATE, IGNORED = "handled", "duplicate", "ignored"
RETRIED, REQUEUED, DEAD_LETTERED = "retried", "requeued", "dead_lettered"


def parse_message(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> Event:
    """The event in a message body, or PoisonMessage saying why there is none."""
    if len(body) > max_bytes:
        raise PoisonMessage(f"body of {len(body)} bytes is over the {max_bytes}-byte limit")
    try:
        decoded = strict_loads(body)  # invalid UTF-8, NaN, nesting too deep for the parser: ValueError
    except ValueError as exc:
        raise PoisonMessage(f"not JSON: {exc}") from None
    if _depth_over(decoded, MAX_DEPTH):
        raise PoisonMessage(f"nested deeper than {MAX_DEPTH} levels")
    if UNSTORABLE_ESCAPE.search(body) and (problem := _unstorable(decoded)):
        raise PoisonMessage(f"contains {problem}")
    try:
        return Event.from_envelope(decoded)
    except ValueError as exc:
        raise PoisonMessage(str(exc)) from None


def _depth_over(value: Any, limit: int) -> bool:
    level = [value]
    for _ in range(limit + 1):
        level = [child for item in level
                 for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())
                 if isinstance(child, (dict, list))]
        if not level:
            return False
    return True


def attempts_of(headers: Mapping[str, Any] | None, max_attempts: int) -> int:
    """The delivery's attempt number from our retry header. A header that is not a plain integer
    in range was not written by us: it counts as the last attempt, so it buys no extra retries."""
    raw = (headers or {}).get(RETRY_HEADER, 1)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= max_attempts:
        return max_attempts
    return raw


class EventProcessor:
    """Applies one event exactly once per database: inbox check, handler, commit.

    Handlers are keyed by (type, version) (a bare type means version 1). A type with a handler but
    not for this version, a type neither handled nor `ignored`, or a payload that breaks its
    contract is a PoisonMessage: dead-lettered, kept for a later release that knows it. `ignored`
    types are acknowledged and counted. Handlers get the event parsed into its contract class;
    `typed=False` (tests of this machinery with made-up types) hands them the envelope instead.
    `on_applied(event, conn)` runs on the handler's transaction with the envelope (e.g. to record
    progress).
    """

    def __init__(self, engine: Engine, inbox: sa.Table, handlers: Handlers, *, ignored: Iterable[str] = (),
                 on_applied: Callable[[Event, Connection], None] | None = None, typed: bool = True):
        self._engine = engine
        self._inbox = inbox
        # Built once, run for every message. RETURNING, not rowcount: rowcount after ON CONFLICT is
        # not reliable across drivers.
        self._record_first_time = (pg_insert(inbox).values(event_id=sa.bindparam("event_id"),
                                                           event_type=sa.bindparam("event_type"))
                                   .on_conflict_do_nothing(index_elements=["event_id"])
                                   .returning(inbox.c.event_id))
        self._handlers = {(key, ENVELOPE_VERSION) if isinstance(key, str) else key: handler
                          for key, handler in handlers.items()}
        self._typed = typed
        if typed and (unknown := [key for key in self._handlers if contracts.contract_for(*key) is None]):
            raise ValueError(f"handlers for events without a contract: {sorted(unknown)}")
        self._handled_types = {event_type for event_type, _version in self._handlers}
        self._ignored = frozenset(ignored)
        self._on_applied = on_applied

    def handler_for(self, event: Event) -> Handler | None:
        """The handler of this event, None if it is ignored on purpose; PoisonMessage otherwise."""
        handler = self._handlers.get((event.type, event.version))
        if handler is not None:
            return handler
        if event.type in self._handled_types:
            raise PoisonMessage(f"unknown version {event.version} of {event.type}")
        if event.type in self._ignored:
            return None
        raise PoisonMessage(f"unknown event type {event.type!r}")

    def process(self, event: Event) -> str:
        """HANDLED, DUPLICATE (handled before) or IGNORED; raises what the handler raised."""
        handler = self.handler_for(event)
        if handler is None:
            return IGNORED
        payload: Any = event
        if self._typed:
            try:
                payload = contracts.parse(event)
            except ValueError as exc:
                raise PoisonMessage(f"{event.type} v{event.version} breaks its contract: {exc}") from None
        with self._engine.begin() as conn:
            first_time = conn.execute(self._record_first_time,
                                      {"event_id": event.id, "event_type": event.type}).first()
            if first_time is None:
                return DUPLICATE
            handler(payload, conn)
            if self._on_applied is not None:
                self._on_applied(event, conn)
        return HANDLED


class Consumer:
    """Consumes one queue until stopped. Every delivery ends in one outcome: handled (or a
    duplicate, or ignored on purpose) and acked; retried (a copy with the attempt count goes to the
    back of the queue); requeued (our database is down: not the message's fault); or
    dead-lettered with the reason in the `x-dropin-dead-reason` header. Nothing a message holds
    can stop the loop."""

    def __init__(self, amqp_url: str, exchange: str, queue: QueueSpec, processor: EventProcessor,
                 *, prefetch: int = 20, max_attempts: int = 4,
                 housekeeping: Callable[[], int] | None = None, housekeeping_interval: float = 3600.0,
                 on_outcome: Callable[[str, str], None] | None = None):
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
        self._channel: Any = None  # pika.BlockingChannel
        self._running = True
        self.outcomes: Counter[tuple[str, str]] = Counter()  # (outcome, event type or "?") -> count
        self.on_outcome = on_outcome  # e.g. a metrics counter

    @property
    def processor(self) -> EventProcessor:
        return self._processor

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
                # A retry or dead letter is published before the original is acked; confirms make
                # sure the broker has the copy before the original goes.
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

    def collectors(self):
        """What its /metrics adds: the data age of what it applied, and its queue depths."""
        return (metrics.LastAppliedCollector(), metrics.CallbackCollector(self.dead_letter_depth))

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
        if self._housekeeping is None:
            return
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
        correlation_id_var.set(None)  # until the message is known to be an event (see _deliver)
        try:
            self._deliver(channel, method, properties, body)
        except CONNECTION_ERRORS:
            raise  # the connection is rebuilt; the broker redelivers what was not acked
        except Exception as exc:  # noqa: BLE001 - our own fault with this message: set it aside
            log.exception("consumer of %s failed on a message", self._queue.name)
            try:
                self._dead_letter(channel, method, properties, body, f"consumer error: {exc!r}", "?")
            except CONNECTION_ERRORS:
                raise
            except Exception:  # noqa: BLE001
                channel.basic_nack(method.delivery_tag, requeue=False)

    def _deliver(self, channel, method, properties, body: bytes) -> None:
        attempts = attempts_of(properties.headers, self._max_attempts)
        event_type, event_id = "?", "?"
        try:
            event = parse_message(body)
            event_type, event_id = event.type, event.id
            # On this event's log lines, and on the events its handler publishes.
            correlation_id_var.set(event.correlation_id or event.id)
            outcome = self._processor.process(event)
        except PoisonMessage as exc:
            log.error("poison message on %s (%s): %s", self._queue.name, event_type, exc)
            self._dead_letter(channel, method, properties, body, str(exc), event_type)
            return
        except Exception as exc:  # noqa: BLE001 - a failing handler must not kill the consumer
            fault = database_fault(exc)
            if fault == "transient":
                # Our database is unreachable or shed the transaction: not the event's fault.
                # Put it back, uncounted, and slow down.
                log.warning("database unavailable while handling %s %s: %s", event_type, event_id, exc)
                time.sleep(1.0)
                channel.basic_nack(method.delivery_tag, requeue=True)
                self._count(REQUEUED, event_type)
                return
            if fault == "permanent":
                log.error("permanent database error for %s %s, dead-lettering: %s", event_type, event_id, exc)
                self._dead_letter(channel, method, properties, body,
                                  f"permanent database error: {_first_line(exc)}", event_type)
                return
            log.exception("handler failed for %s %s (attempt %s)", event_type, event_id, attempts)
            if attempts >= self._max_attempts:
                self._dead_letter(channel, method, properties, body,
                                  f"failed {attempts} times: {_first_line(exc)}", event_type)
                return
            self._retry(channel, method, properties, body, attempts, event_type)
            return
        if outcome == IGNORED:
            log.info("%s ignores %s events (%s)", self._queue.name, event_type, event_id)
        elif outcome == HANDLED:
            metrics.event_applied(self._queue.name, event.occurred_at.timestamp())
            log.info("applied %s %s", event_type, event_id)
        channel.basic_ack(method.delivery_tag)
        self._count(outcome, event_type)

    def _retry(self, channel, method, properties, body: bytes, attempts: int, event_type: str) -> None:
        time.sleep(min(0.1 * 2 ** attempts, 2.0))
        headers = {**_copyable(properties.headers), RETRY_HEADER: attempts + 1}
        if self._republish(channel, "", self._queue.name, properties, body, headers):
            channel.basic_ack(method.delivery_tag)
        else:  # the broker refused the copy: keep the original
            channel.basic_nack(method.delivery_tag, requeue=True)
        self._count(RETRIED, event_type)

    def _dead_letter(self, channel, method, properties, body: bytes, reason: str, event_type: str) -> None:
        """A copy with the reason goes to our dead-letter queue, then the original is acked. If
        the copy cannot be published, the broker dead-letters the original itself (a rejected
        message goes to the queue's dead-letter exchange, with only `x-death` to say why)."""
        headers = {**_copyable(properties.headers), DEAD_REASON_HEADER: reason[:1000],
                   DEAD_QUEUE_HEADER: self._queue.name, ROUTING_KEY_HEADER: method.routing_key or ""}
        if self._republish(channel, DEAD_LETTER_EXCHANGE, self._queue.name, properties, body, headers):
            channel.basic_ack(method.delivery_tag)
        else:
            channel.basic_nack(method.delivery_tag, requeue=False)
        self._count(DEAD_LETTERED, event_type)

    def _republish(self, channel, exchange: str, routing_key: str, properties, body: bytes,
                   headers: dict[str, Any]) -> bool:
        try:
            channel.basic_publish(
                exchange=exchange, routing_key=routing_key, body=body, mandatory=True,
                properties=pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                message_id=properties.message_id, type=properties.type,
                                                headers=headers))
            return True
        except (pika.exceptions.NackError, pika.exceptions.UnroutableError):
            return False
        except (TypeError, ValueError, AssertionError,
                pika.exceptions.UnsupportedAMQPFieldException) as exc:  # headers pika cannot encode
            log.warning("could not copy a message of %s: %r", self._queue.name, exc)
            return False

    def _count(self, outcome: str, event_type: str) -> None:
        self.outcomes[(outcome, event_type)] += 1
        metrics.CONSUMER_MESSAGES.labels(self._queue.name, outcome).inc()
        if self.on_outcome is not None:
            try:
                self.on_outcome(outcome, event_type)
            except Exception:  # noqa: BLE001 - a metrics hook must never stop consuming
                log.exception("outcome hook failed")


def _copyable(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (headers or {}).items() if isinstance(key, str)}


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        exc = exc.orig  # the driver's error names the fault: CheckViolation, not IntegrityError
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]


def service_consumer(settings: CommonSettings, engine: Engine, tables: dict[str, sa.Table], queue: QueueSpec,
                     handlers: Handlers, *, ignored: Iterable[str] = (),
                     on_applied: Callable[[Event, Connection], None] | None = None) -> Consumer:
    """The consumer of one service: its queue, its handlers, its inbox table, and the pruning of
    its inbox and expired revocations."""
    queue = dataclasses.replace(queue, quorum=settings.quorum_queues)
    return Consumer(settings.amqp_url, settings.event_exchange, queue,
                    EventProcessor(engine, tables["inbox"], handlers, ignored=ignored, on_applied=on_applied),
                    housekeeping=lambda: prune_consumer_tables(engine, tables, settings.inbox_retention))
