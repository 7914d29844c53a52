"""Messages a consumer cannot handle go to the dead-letter queue with the reason; the consumer
keeps consuming. Real RabbitMQ and PostgreSQL; the consumer runs its real loop in a thread."""
import json
import secrets
from decimal import Decimal
import threading

import pika
import pytest
import sqlalchemy as sa

from dropin_common.broker import QueueSpec, declare_queue
from dropin_common.consumer import (DEAD_LETTERED, DEAD_REASON_HEADER, IGNORED, RETRY_HEADER, Consumer,
                                    EventProcessor)
from dropin_common.events import Event
from dropin_common.testing import wait_until

from .conftest import EXCHANGE

pytestmark = pytest.mark.integration


@pytest.fixture()
def targets(engine):
    """A table with a CHECK constraint and a b-tree index, for handlers to break."""
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS poison_targets"))
        conn.execute(sa.text("CREATE TABLE poison_targets (event_id text PRIMARY KEY, "
                             "value text NOT NULL CHECK (value <> 'forbidden'))"))
        conn.execute(sa.text("CREATE INDEX ix_poison_targets_value ON poison_targets (value)"))
    yield
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE poison_targets"))


def applied(engine):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT event_id FROM poison_targets")).scalars().all()


def store_value(event, conn):
    conn.execute(sa.text("INSERT INTO poison_targets (event_id, value) VALUES (:id, :value)"),
                 {"id": event.id, "value": str(event.data.get("value", "ok"))})


def failing(event, conn):
    raise RuntimeError("this handler always fails")


class RunningConsumer:
    def __init__(self, engine, tables, amqp_url, queue, handlers, ignored=()):
        self.consumer = Consumer(amqp_url, EXCHANGE, queue,
                                 EventProcessor(engine, tables["inbox"], handlers, ignored=ignored, typed=False),
                                 max_attempts=3)
        self.thread = threading.Thread(target=lambda: self.consumer.run_forever(handle_signals=False),
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.consumer.stop()
        self.thread.join(5)


def channel_for(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    return connection, connection.channel()


def send_raw(amqp_url, queue, body: bytes, headers=None):
    connection, channel = channel_for(amqp_url)
    channel.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2, headers=headers))
    connection.close()


def dead_letters(amqp_url, queue: QueueSpec, expect: int, timeout=20.0):
    """(body, reason) of the dead-letter queue's messages, once `expect` of them are there."""
    got = []

    def collect():
        connection, channel = channel_for(amqp_url)
        while True:
            method, properties, body = channel.basic_get(queue.dead_letter_queue, auto_ack=True)
            if method is None:
                break
            got.append((body, (properties.headers or {}).get(DEAD_REASON_HEADER)))
        connection.close()
        return len(got) >= expect
    wait_until(collect, timeout=timeout, message=f"{expect} dead letters")
    return got


def envelope(event_type="thing.happened", **overrides):
    body = Event(event_type, {"value": "ok"}).to_envelope()
    body.update(overrides)
    return body


def encoded(body) -> bytes:
    return json.dumps(body).encode()


def test_hostile_messages_are_dead_lettered_with_their_reason_and_the_healthy_one_after_them_is_applied(
        engine, tables, amqp_url, targets):
    queue = QueueSpec("it-hostile", ("thing.#",))
    connection, channel = channel_for(amqp_url)
    declare_queue(channel, EXCHANGE, queue)
    connection.close()
    nested = encoded(envelope()).replace(b'"data": {', b'"data": {"deep": ' + b"[" * 5000 + b"]" * 5000 + b", ", 1)
    hostile = {
        "nested 5,000 deep": nested,
        "huge body": encoded(envelope(data={"value": "x" * (2 * 1024 * 1024)})),
        "data not an object": encoded(envelope(data="a string")),
        "id not a string": encoded(envelope(id=12345)),
        "version not an integer": encoded(envelope(version="one")),
        "unknown version": encoded(envelope(version=99)),
        "unknown type": encoded(envelope(event_type="thing.unheard_of")),
        "invalid UTF-8": b'{"id": "\xff\xfe", "type": "thing.happened"}',
        "not JSON": b"<xml/>",
        "NaN": encoded(envelope()).replace(b'"ok"', b"NaN"),
        "NUL character": encoded(envelope()).replace(b'"ok"', b'"a\\u0000b"'),
        "a JSON list": b"[1, 2, 3]",
    }
    for body in hostile.values():
        send_raw(amqp_url, queue.name, body)
    # Bad attempt headers on events whose handler fails: no crash, no endless retries.
    bad_headers = [{RETRY_HEADER: "abc"}, {RETRY_HEADER: -1000}, {RETRY_HEADER: Decimal("1.5")}]
    for headers in bad_headers:
        send_raw(amqp_url, queue.name, encoded(envelope(event_type="thing.failing")), headers)
    healthy = Event("thing.happened", {"value": "fine"})
    send_raw(amqp_url, queue.name, encoded(healthy.to_envelope()), {RETRY_HEADER: "junk"})

    running = RunningConsumer(engine, tables, amqp_url, queue,
                              {"thing.happened": store_value, "thing.failing": failing})
    try:
        wait_until(lambda: applied(engine) == [healthy.id], timeout=20, message="the healthy event applied")
        dead = dead_letters(amqp_url, queue, expect=len(hostile) + len(bad_headers))
        assert running.thread.is_alive()
    finally:
        running.stop()
    assert len(dead) == len(hostile) + len(bad_headers)
    bodies = [body for body, _ in dead]
    assert all(body in bodies for body in hostile.values())
    assert sum(b'"thing.failing"' in body for body in bodies) == len(bad_headers)
    reasons = [reason for _, reason in dead]
    assert all(reasons), "every dead letter says why"
    assert any("deeper than" in r or "nested" in r for r in reasons)
    assert any("over the" in r for r in reasons)
    assert any("unknown version 99 of thing.happened" in r for r in reasons)
    assert any("unknown event type 'thing.unheard_of'" in r for r in reasons)
    assert sum("this handler always fails" in r for r in reasons) == len(bad_headers)
    assert running.consumer.outcomes[(DEAD_LETTERED, "thing.failing")] == len(bad_headers)


def test_permanent_database_errors_are_dead_lettered_at_once_and_transient_ones_retried_until_applied(
        engine, tables, amqp_url, targets):
    queue = QueueSpec("it-db-errors", ("thing.#",))
    connection, channel = channel_for(amqp_url)
    declare_queue(channel, EXCHANGE, queue)
    connection.close()
    check_violation = Event("thing.happened", {"value": "forbidden"})
    index_row_too_big = Event("thing.happened", {"value": secrets.token_hex(8000)})  # 16 kB, incompressible
    unlucky = Event("thing.unlucky", {"value": "ok"})
    terminations = {"left": 5}  # more than max_attempts: a transient fault is not the event's fault

    def dies_a_few_times(event, conn):
        if terminations["left"] > 0:
            terminations["left"] -= 1
            conn.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        store_value(event, conn)

    for event in (check_violation, index_row_too_big, unlucky):
        send_raw(amqp_url, queue.name, encoded(event.to_envelope()))
    running = RunningConsumer(engine, tables, amqp_url, queue,
                              {"thing.happened": store_value, "thing.unlucky": dies_a_few_times})
    try:
        dead = dead_letters(amqp_url, queue, expect=2, timeout=30)
        wait_until(lambda: applied(engine) == [unlucky.id], timeout=30, message="the unlucky event applied")
    finally:
        running.stop()
    by_id = {json.loads(body)["id"]: reason for body, reason in dead}
    assert set(by_id) == {check_violation.id, index_row_too_big.id}
    assert "permanent database error: CheckViolation" in by_id[check_violation.id]
    assert "permanent database error: ProgramLimitExceeded" in by_id[index_row_too_big.id]
    assert terminations["left"] == 0


def test_types_ignored_on_purpose_are_acked_and_counted_not_dead_lettered(engine, tables, amqp_url, targets):
    queue = QueueSpec("it-ignored", ("thing.#",))
    connection, channel = channel_for(amqp_url)
    declare_queue(channel, EXCHANGE, queue)
    connection.close()
    ignored = Event("thing.noticed", {})
    healthy = Event("thing.happened", {"value": "ok"})
    for event in (ignored, healthy):
        send_raw(amqp_url, queue.name, encoded(event.to_envelope()))
    running = RunningConsumer(engine, tables, amqp_url, queue, {("thing.happened", 1): store_value},
                              ignored={"thing.noticed"})
    try:
        wait_until(lambda: applied(engine) == [healthy.id], message="the healthy event applied")
        wait_until(lambda: running.consumer.outcomes[(IGNORED, "thing.noticed")] == 1,
                   message="the ignored event counted")
    finally:
        running.stop()
    connection, channel = channel_for(amqp_url)
    assert channel.queue_declare(queue.dead_letter_queue, passive=True).method.message_count == 0
    connection.close()
