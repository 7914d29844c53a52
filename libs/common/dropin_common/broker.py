"""RabbitMQ with pika: topology and a confirming publisher.

pika connections are not thread-safe: every process opens its own, after any fork, never at
import. Each process keeps one long-lived connection and rebuilds it after a connection error.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import pika
from pika.adapters.blocking_connection import BlockingChannel

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "dropin.dead"
# Errors after which the connection (and its channel) must be rebuilt.
CONNECTION_ERRORS = (pika.exceptions.AMQPConnectionError, pika.exceptions.AMQPChannelError,
                     pika.exceptions.StreamLostError, ConnectionError, OSError)


def connection_parameters(amqp_url: str) -> pika.URLParameters:
    params = pika.URLParameters(amqp_url)
    params.heartbeat = 30
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    params.socket_timeout = 5
    return params


def declare_exchange(channel: BlockingChannel, exchange: str) -> None:
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)


@dataclass(frozen=True)
class QueueSpec:
    """A service's durable queue, the routing keys it binds, and its dead-letter queue."""
    name: str
    bindings: tuple[str, ...]
    # Quorum queues are replicated across a RabbitMQ cluster's nodes and survive losing one
    # (RABBITMQ_QUORUM_QUEUES). RabbitMQ cannot change an existing queue's type: choose up front.
    quorum: bool = False
    # Bindings an earlier release made and this one moved to another queue: declaring removes them,
    # so a broker upgraded in place stops routing those events here too (unbinding is idempotent).
    retired_bindings: tuple[str, ...] = ()

    @property
    def type_arguments(self) -> dict:
        return {"x-queue-type": "quorum"} if self.quorum else {}

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.name}.dead"


def declare_queue(channel: BlockingChannel, exchange: str, spec: QueueSpec) -> None:
    declare_exchange(channel, exchange)
    channel.exchange_declare(exchange=DEAD_LETTER_EXCHANGE, exchange_type="direct", durable=True)
    channel.queue_declare(queue=spec.dead_letter_queue, durable=True, arguments=spec.type_arguments or None)
    channel.queue_bind(queue=spec.dead_letter_queue, exchange=DEAD_LETTER_EXCHANGE,
                       routing_key=spec.name)
    channel.queue_declare(queue=spec.name, durable=True, arguments={
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": spec.name,
        **spec.type_arguments,
    })
    for key in spec.bindings:
        channel.queue_bind(queue=spec.name, exchange=exchange, routing_key=key)
    for key in spec.retired_bindings:
        channel.queue_unbind(queue=spec.name, exchange=exchange, routing_key=key)


class Unroutable(Exception):
    """The broker returned a `mandatory` message: no queue is bound for its routing key."""


class ConfirmingPublisher:
    """Publishes persistent JSON messages and returns only once the broker confirmed them."""

    def __init__(self, amqp_url: str, exchange: str):
        self._params = connection_parameters(amqp_url)
        self._exchange = exchange
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _ensure_channel(self) -> BlockingChannel:
        if self._channel is None or self._channel.is_closed:
            self.close()
            self._connection = pika.BlockingConnection(self._params)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            declare_exchange(self._channel, self._exchange)
        return self._channel

    def publish(self, routing_key: str, body: dict, message_id: str | None = None) -> None:
        """Raises on a nack, an unroutable message, or a connection error (then reconnects next time)."""
        try:
            channel = self._ensure_channel()
            channel.basic_publish(
                exchange=self._exchange, routing_key=routing_key,
                body=json.dumps(body, separators=(",", ":")).encode(),
                properties=pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                message_id=message_id, type=routing_key),
                mandatory=True)
        except pika.exceptions.UnroutableError as exc:
            # Confirmed, but into no queue: the message is gone. Whether that is a failure (the
            # topology is missing) or by design (nobody consumes this type) is the caller's call.
            raise Unroutable(f"no queue is bound for {routing_key}") from exc
        except CONNECTION_ERRORS:
            self.close()
            raise

    def process_events(self, seconds: float = 0) -> None:
        """Serve heartbeats while idle."""
        if self._connection is not None and self._connection.is_open:
            try:
                self._connection.process_data_events(time_limit=seconds)
            except CONNECTION_ERRORS:
                self.close()

    def close(self) -> None:
        try:
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail any way
            pass
        self._connection = None
        self._channel = None
