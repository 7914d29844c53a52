"""The whole topology is declared at migrate time, and an event that a queue should receive but
that the broker returns unroutable stays in the outbox and is retried."""
import os
import subprocess
import sys

import pika
import pytest
import sqlalchemy as sa

from dropin_common.broker import ConfirmingPublisher, QueueSpec
from dropin_common.db import SqlUnitOfWork
from dropin_common.events import Event
from dropin_common.outbox import BrokerSink, OutboxRelay
from dropin_common.testing import drain_queue
from dropin_common.topology import QUEUES, declare_topology

from .conftest import EXCHANGE

pytestmark = pytest.mark.integration


def queue_exists(amqp_url, name):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().queue_declare(name, passive=True)
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        if connection.is_open:
            connection.close()


def run_migrate(amqp_url):
    return subprocess.run([sys.executable, "-m", "dropin_common.migrate", "--skip-database"],
                          env={**os.environ, "AMQP_URL": amqp_url, "EVENT_EXCHANGE": EXCHANGE},
                          capture_output=True, text=True, timeout=60)


def test_the_migrate_step_declares_every_services_queue_and_dead_letter_queue_idempotently(amqp_url):
    for _ in range(2):  # run on every deploy: the second run changes nothing and does not fail
        result = run_migrate(amqp_url)
        assert result.returncode == 0, result.stderr
    for queue in QUEUES:
        assert queue_exists(amqp_url, queue.name) and queue_exists(amqp_url, queue.dead_letter_queue)


def test_an_event_returned_unroutable_stays_unsent_and_is_delivered_once_its_queue_exists(engine, tables, amqp_url):
    queue = QueueSpec("it-late-queue", ("thing.wanted",))
    event = Event("thing.wanted", {"n": 1})
    with SqlUnitOfWork(engine, tables["outbox"]) as uow:
        uow.outbox.publish(event)
        uow.commit()
    relay = OutboxRelay(engine, tables["outbox"], "broker",
                        BrokerSink(ConfirmingPublisher(amqp_url, EXCHANGE),
                                   subscribed=lambda key: key in queue.bindings))

    assert relay.relay_batch() == 0  # nobody bound yet: a failure, not "sent"
    o = tables["outbox"]
    with engine.connect() as conn:
        row = conn.execute(sa.select(o.c.sent_at, o.c.attempts, o.c.last_error)).one()
    assert row.sent_at is None and row.attempts == 1 and "no queue is bound" in row.last_error

    declare_topology(amqp_url, EXCHANGE, (queue,))
    with engine.begin() as conn:
        conn.execute(o.update().values(available_at=sa.func.now()))  # skip the backoff
    assert relay.relay_batch() == 1
    assert [m["id"] for m in drain_queue(amqp_url, queue.name, expect=1)] == [event.id]


def test_an_event_no_queue_is_meant_to_receive_is_sent_to_nobody(engine, tables, amqp_url):
    with SqlUnitOfWork(engine, tables["outbox"]) as uow:
        uow.outbox.publish(Event("thing.nobody_wants", {}))
        uow.commit()
    relay = OutboxRelay(engine, tables["outbox"], "broker", BrokerSink(ConfirmingPublisher(amqp_url, EXCHANGE)))
    assert relay.relay_batch() == 1


def test_declaring_a_queue_removes_the_bindings_an_earlier_release_moved_to_another_queue(amqp_url):
    # As the dashboard's account events moved from `dashboard` to `dashboard-accounts`.
    before = QueueSpec("it-projections", ("thing.counted", "account.updated"))
    declare_topology(amqp_url, EXCHANGE, (before,))
    after = (QueueSpec("it-projections", ("thing.counted",), retired_bindings=("account.updated",)),
             QueueSpec("it-projections-accounts", ("account.updated",)))
    for _ in range(2):  # idempotent: the second run unbinds what is no longer there
        declare_topology(amqp_url, EXCHANGE, after)
    publisher = ConfirmingPublisher(amqp_url, EXCHANGE)
    try:
        for key in ("thing.counted", "account.updated"):
            publisher.publish(key, {"type": key}, message_id=key)
    finally:
        publisher.close()
    assert [m["type"] for m in drain_queue(amqp_url, "it-projections", expect=1)] == ["thing.counted"]
    assert [m["type"] for m in drain_queue(amqp_url, "it-projections-accounts", expect=1)] == ["account.updated"]
