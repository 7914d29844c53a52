"""The integration-test fixtures every service shares. A service's tests/integration/conftest.py
imports them and says which service it tests:

    from dropin_common.testing_fixtures import *  # noqa: F403 - pytest finds fixtures by name

    @pytest.fixture(scope="session")
    def service_under_test() -> ServiceUnderTest:
        return ServiceUnderTest("chat", MIGRATIONS, exchange=EXCHANGE, queue=CHAT_QUEUE)

and defines its own `container` (its settings differ). What it gets: a throwaway migrated
database (`database_url`), a throwaway vhost (`amqp_url`), a JWT signer (`tokens`), `publish(event)`
to the event exchange, the real consumer in a thread (`running_consumer`) or in its own process
(`consumer_process`), and `feed_golden_examples` for the consumer's contract test.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pika
import pytest

from .broker import ConfirmingPublisher, QueueSpec, declare_queue
from .consumer import HANDLED
from .contracts import EventContract
from .contracts.golden import example_event, golden_examples
from .events import Event
from .testing import TokenFactory, migrated_database, throwaway_vhost, wait_until

__all__ = ["ServiceUnderTest", "Running", "queue_exists", "feed_golden_examples", "database_url", "amqp_url",
           "tokens", "publish", "running_consumer", "consumer_process", "broker_envelopes", "all_handled"]


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str  # auth, streams, ... (its package is dropin_<name>)
    migrations: Path
    exchange: str = "dropin.events"
    queue: QueueSpec | None = None  # the queue its consumer reads, if it has one
    # Any further consumer process (entrypoints.<module>) and the queue it reads.
    more_consumers: tuple[tuple[str, QueueSpec], ...] = ()

    @property
    def service_dir(self) -> Path:
        return self.migrations.parents[2]


class Running:
    """A consumer, relay or worker running its real loop in a thread until stopped."""

    def __init__(self, process: Any):
        self.process = process
        self.thread = threading.Thread(target=lambda: process.run_forever(handle_signals=False), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.process.stop()
        self.thread.join(timeout=10)


def queue_exists(amqp_url: str, name: str) -> bool:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().queue_declare(queue=name, passive=True)
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        connection.close()


def feed_golden_examples(container: Any, queue: QueueSpec, consumer: Any = None) -> dict[tuple[str, int], str]:
    """Hands the service's consumer (its real handler table, on its real database; `consumer` when
    the queue is another consumer's) each golden example its queue's bindings receive, as a new
    event; returns the outcome of each."""
    processor = (consumer or container.consumer()).processor
    return {(event_type, version): processor.process(example_event(event_type, event_version=version))
            for event_type, version in golden_examples(queue.bindings)}


def all_handled(outcomes: dict[tuple[str, int], str]) -> list[tuple[str, int]]:
    """The examples that were not handled (duplicate, ignored): [] when the consumer took them all."""
    return [key for key, outcome in outcomes.items() if outcome != HANDLED]


@pytest.fixture(scope="session")
def database_url(service_under_test: ServiceUnderTest) -> Iterator[str]:
    with migrated_database(f"{service_under_test.name}_it", service_under_test.migrations) as url:
        yield url


@pytest.fixture(scope="session")
def amqp_url(service_under_test: ServiceUnderTest) -> Iterator[str]:
    with throwaway_vhost(service_under_test.name) as url:
        queues = [queue for queue in (service_under_test.queue, *(q for _, q in service_under_test.more_consumers))
                  if queue is not None]
        if queues:  # so nothing published before the consumers run is lost
            connection = pika.BlockingConnection(pika.URLParameters(url))
            channel = connection.channel()
            for queue in queues:
                declare_queue(channel, service_under_test.exchange, queue)
            connection.close()
        yield url


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture()
def publish(amqp_url: str, service_under_test: ServiceUnderTest):
    """publish(event): an Event or a typed contract, to the exchange, as a producer's relay does."""
    publisher = ConfirmingPublisher(amqp_url, service_under_test.exchange)

    def send(event: Event | EventContract) -> Event:
        envelope = event.to_event() if isinstance(event, EventContract) else event
        publisher.publish(envelope.type, envelope.to_envelope(), message_id=envelope.id)
        return envelope
    yield send
    publisher.close()


@pytest.fixture(scope="session")
def running_consumer(container: Any, amqp_url: str, service_under_test: ServiceUnderTest):
    """The service's consumer in a thread; yields once its queue is declared and bound."""
    queue = service_under_test.queue
    assert queue is not None, "running_consumer needs the service's queue (ServiceUnderTest.queue)"
    running = Running(container.consumer())
    wait_until(lambda: queue_exists(amqp_url, queue.name),
               message=f"the {service_under_test.name} queue")
    yield running.process
    running.stop()


@pytest.fixture(scope="session")
def consumer_process(database_url: str, amqp_url: str, service_under_test: ServiceUnderTest,
                     tokens: TokenFactory, tmp_path_factory):
    """The consumer as its own process, started by its real command line."""
    key_file = tmp_path_factory.mktemp("keys") / "jwt_ed25519.pub.pem"
    key_file.write_text(tokens.public_pem)
    env = {**os.environ, "DATABASE_URL": database_url, "AMQP_URL": amqp_url,
           "EVENT_EXCHANGE": service_under_test.exchange, "JWT_PUBLIC_KEY_FILE": str(key_file)}
    modules = ["consumer", *(module for module, _ in service_under_test.more_consumers)]
    processes = [subprocess.Popen([sys.executable, "-m", f"dropin_{service_under_test.name}.entrypoints.{module}"],
                                  cwd=service_under_test.service_dir, env=env) for module in modules]
    yield processes[0]
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def broker_envelopes(container: Any) -> list[dict]:
    """The integration events the service wrote to its outbox, oldest first (a producer's
    contract test compares each with its golden example)."""
    import sqlalchemy as sa
    outbox = container.tables["outbox"]
    with container.engine.connect() as conn:
        return list(conn.execute(sa.select(outbox.c.payload).where(outbox.c.destination == "broker")
                                 .order_by(outbox.c.id)).scalars())
