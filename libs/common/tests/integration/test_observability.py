"""The metrics relays and consumers keep, read against a real PostgreSQL and RabbitMQ, and the
correlation id an event carries from the request that caused it."""
from __future__ import annotations

import pytest

from dropin_common import metrics
from dropin_common.broker import QueueSpec
from dropin_common.db import SqlUnitOfWork
from dropin_common.events import Event
from dropin_common.logs import correlated
from dropin_common.outbox import OutboxRelay
from dropin_common.testing import drain_queue, wait_until

from .test_messaging import RefusingSink, declare, publish_raw, start_consumer, write_events

pytestmark = pytest.mark.integration


def gauges(collector) -> dict[tuple[str, tuple], float]:
    return {(family.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in collector.collect() for sample in family.samples}


def counter(metric, *labels) -> float:
    return metric.labels(*labels)._value.get()


def test_the_relay_reports_rows_waiting_the_oldest_age_and_rows_given_up(engine, tables):
    write_events(engine, tables, 3)
    relay = OutboxRelay(engine, tables["outbox"], "broker", RefusingSink(refused={1}))
    collector = metrics.CallbackCollector(relay.backlog)
    key = (("destination", "broker"),)
    before = gauges(collector)
    assert before[("dropin_outbox_waiting_rows", key)] == 3
    assert before[("dropin_outbox_oldest_waiting_age_seconds", key)] >= 0
    sent, given_up = (counter(metrics.OUTBOX_DELIVERIES, "broker", "sent"),
                      counter(metrics.OUTBOX_DELIVERIES, "broker", "given_up"))

    assert relay.relay_batch() == 2

    after = gauges(collector)
    assert after[("dropin_outbox_waiting_rows", key)] == 0
    assert after[("dropin_outbox_oldest_waiting_age_seconds", key)] == 0
    assert after[("dropin_outbox_given_up_rows", key)] == 1
    assert counter(metrics.OUTBOX_DELIVERIES, "broker", "sent") == sent + 2
    assert counter(metrics.OUTBOX_DELIVERIES, "broker", "given_up") == given_up + 1


def test_the_consumer_counts_handled_and_dead_lettered_messages_and_reports_the_dead_letter_depth(
        engine, tables, amqp_url):
    queue = QueueSpec("it-metrics", ("thing.#",))
    declare(amqp_url, queue)
    poison, healthy = Event("thing.happened", {"poison": True}), Event("thing.happened", {})
    handled = counter(metrics.CONSUMER_MESSAGES, queue.name, "handled")
    dead = counter(metrics.CONSUMER_MESSAGES, queue.name, "dead_lettered")
    publish_raw(amqp_url, [poison, healthy])
    consumer, thread = start_consumer(engine, tables, amqp_url, _failing_for(tables, poison.id), queue)
    try:
        wait_until(lambda: counter(metrics.CONSUMER_MESSAGES, queue.name, "dead_lettered") == dead + 1,
                   timeout=15, message="the poison message to be dead-lettered")
        assert counter(metrics.CONSUMER_MESSAGES, queue.name, "handled") == handled + 1
        depth = gauges(metrics.CallbackCollector(consumer.dead_letter_depth))
        assert depth[("dropin_queue_messages", (("queue", "it-metrics.dead"),))] == 1
        applied = gauges(metrics.LastAppliedCollector())
        assert applied[("dropin_consumer_last_applied_event_timestamp_seconds", (("queue", "it-metrics"),))] == \
            pytest.approx(healthy.occurred_at.timestamp())
    finally:
        consumer.stop()
        thread.join(5)
        drain_queue(amqp_url, queue.dead_letter_queue, expect=1, timeout=5)


def _failing_for(tables, event_id):
    def handle(event, conn):
        if event.id == event_id:
            raise RuntimeError("handler failure")
        conn.execute(tables["effects"].insert().values(event_id=event.id))
    return handle


def test_an_event_written_while_handling_a_request_carries_its_correlation_id(engine, tables):
    with correlated("request-42"), SqlUnitOfWork(engine, tables["outbox"]) as uow:
        uow.outbox.publish(Event("thing.happened", {}))
        uow.commit()
    with SqlUnitOfWork(engine, tables["outbox"]) as uow:  # outside any request: none
        uow.outbox.publish(Event("thing.happened", {}))
        uow.commit()
    with engine.connect() as conn:
        payloads = [row.payload for row in conn.execute(
            tables["outbox"].select().order_by(tables["outbox"].c.id))]
    assert payloads[0]["correlationId"] == "request-42"
    assert "correlationId" not in payloads[1]


def test_with_quorum_queues_set_a_consumer_declares_its_queue_and_dead_letter_queue_as_quorum(
        engine, tables, amqp_url):
    import dataclasses

    import pika

    from dropin_common.config import CommonSettings
    from dropin_common.consumer import service_consumer
    from dropin_common.testing import rabbitmqctl

    settings = dataclasses.replace(CommonSettings.from_env("common"), amqp_url=amqp_url,
                                   event_exchange="dropin.events", quorum_queues=True)
    consumer = service_consumer(settings, engine, tables, QueueSpec("it-quorum", ("thing.#",)), {})
    thread = __import__("threading").Thread(target=lambda: consumer.run_forever(handle_signals=False), daemon=True)
    thread.start()
    try:
        vhost = pika.URLParameters(amqp_url).virtual_host

        def queue_types():
            listed = rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "name", "type")
            return dict(line.split()[:2] for line in listed.splitlines() if line.strip())

        types = wait_until(lambda: (lambda t: t if "it-quorum" in t else None)(queue_types()),
                           timeout=15, message="the consumer to declare its queue")
        assert types["it-quorum"] == "quorum" and types["it-quorum.dead"] == "quorum"
    finally:
        consumer.stop()
        thread.join(5)
