"""The whole broker topology in one place: the exchange, and every consuming service's queue with
its bindings and dead-letter queue.

RabbitMQ drops a message that no queue is bound for. So that no event is published before the
queue meant to receive it exists, every service declares the whole topology when it migrates
(`python -m dropin_common.migrate`, before any of its processes start), not only its own queue when
its consumer first runs. Declaring is idempotent. A relay that still gets an event of a type some
queue here binds returned as unroutable treats it as a failure and retries it (see
`outbox.BrokerSink`); a type nobody binds is sent to nobody, by design.

A new consuming service adds its queue here.
"""
from __future__ import annotations

import dataclasses
import logging
import re
import time
from functools import lru_cache

import pika

from . import events as ev
from .broker import CONNECTION_ERRORS, QueueSpec, connection_parameters, declare_queue

log = logging.getLogger(__name__)

ACCOUNT_EVENTS = (ev.ACCOUNT_REGISTERED, ev.ACCOUNT_UPDATED, ev.ACCOUNT_PRESENCE_CHANGED)
ORGANIZATION_EVENTS = (ev.ORGANIZATION_CREATED, ev.ORGANIZATION_UPDATED)
STREAM_EVENTS = (ev.STREAM_REQUESTED, ev.STREAM_ACCEPTED, ev.STREAM_STOPPED, ev.STREAM_NOTED)

STREAMS_QUEUE = QueueSpec("streams", (*ORGANIZATION_EVENTS, *ACCOUNT_EVENTS, ev.ACCOUNT_TOKENS_REVOKED))
# The dashboard's accounts replica and revocation list have a queue and a consumer of their own: a
# logout is applied at once, not behind the stream and lead projections, whose consumer runs at a
# lower CPU priority than the ring path (tools/stack.py BACKGROUND_PROCESSES).
DASHBOARD_ACCOUNTS_QUEUE = QueueSpec("dashboard-accounts", (*ACCOUNT_EVENTS, ev.ACCOUNT_TOKENS_REVOKED))
DASHBOARD_QUEUE = QueueSpec("dashboard", (*STREAM_EVENTS, ev.LEAD_CREATED, *ORGANIZATION_EVENTS),
                            retired_bindings=DASHBOARD_ACCOUNTS_QUEUE.bindings)
# chat keeps an accounts replica too (chat_accounts): every token is judged by it.
CHAT_QUEUE = QueueSpec("chat", ("stream.*", *ACCOUNT_EVENTS, ev.ACCOUNT_TOKENS_REVOKED))
# auth learns from streams that a dealer stopped pinging (it owns accountStatus).
AUTH_QUEUE = QueueSpec("auth", (ev.DEALER_PRESENCE_LAPSED,))
INTEGRATIONS_QUEUE = QueueSpec("integrations", ("stream.*", "account.*", "organization.*", ev.LEAD_CREATED))

QUEUES: tuple[QueueSpec, ...] = (STREAMS_QUEUE, DASHBOARD_QUEUE, DASHBOARD_ACCOUNTS_QUEUE, CHAT_QUEUE, AUTH_QUEUE,
                                  INTEGRATIONS_QUEUE)


def declare_topology(amqp_url: str, exchange: str, queues: tuple[QueueSpec, ...] = QUEUES,
                     *, timeout: float = 60.0, quorum: bool = False) -> None:
    """Declares the exchange and every queue, binding and dead-letter queue; waits up to
    `timeout` for the broker (it may still be starting, as in docker compose). `quorum`: as
    quorum queues (RABBITMQ_QUORUM_QUEUES), the type the consumers then declare too."""
    queues = tuple(dataclasses.replace(queue, quorum=quorum) for queue in queues)
    deadline = time.monotonic() + timeout
    wait = 0.5
    while True:
        try:
            connection = pika.BlockingConnection(connection_parameters(amqp_url))
            try:
                channel = connection.channel()
                for queue in queues:
                    declare_queue(channel, exchange, queue)
            finally:
                connection.close()
            log.info("declared %s and the queues %s", exchange, ", ".join(q.name for q in queues))
            return
        except CONNECTION_ERRORS as exc:
            if time.monotonic() + wait > deadline:
                raise RuntimeError(f"could not declare the broker topology: {exc!r}") from exc
            log.warning("broker not reachable yet (%r); retrying in %.1fs", exc, wait)
            time.sleep(wait)
            wait = min(wait * 2, 5.0)


def binding_pattern(binding: str) -> re.Pattern[str]:
    """The routing keys an AMQP topic binding matches: `*` is one word, `#` zero or more."""
    words = []
    for word in binding.split("."):
        words.append({"*": r"[^.]+", "#": r".*"}.get(word, re.escape(word)))
    return re.compile(r"\.".join(words).replace(r".*\.", r"(?:.*\.)?").replace(r"\..*", r"(?:\..*)?"))


@lru_cache(maxsize=1024)
def is_subscribed(routing_key: str, queues: tuple[QueueSpec, ...] = QUEUES) -> bool:
    """Whether some queue of the topology binds `routing_key`: an unroutable return for it means
    the topology is missing, not that nobody wants the event."""
    return any(binding_pattern(binding).fullmatch(routing_key)
               for queue in queues for binding in queue.bindings)
