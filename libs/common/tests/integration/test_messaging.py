"""Outbox, relay and consumer on real PostgreSQL and RabbitMQ."""
import threading
import time
from datetime import timedelta

import pika
import pytest
import sqlalchemy as sa

from dropin_common.auth import Principal, SqlRevocationList, apply_revocation
from dropin_common.contracts.auth import AccountTokensRevoked
from dropin_common.broker import ConfirmingPublisher, QueueSpec
from dropin_common.consumer import DUPLICATE, HANDLED, Consumer, EventProcessor
from dropin_common.db import SqlUnitOfWork, prune_consumer_tables
from dropin_common.events import Event
from dropin_common.outbox import BrokerSink, OutboxRelay, SinkUnavailable, Undeliverable
from dropin_common.testing import (bind_probe_queue, close_vhost_connections, drain_queue, wait_until)
from dropin_common.timeutil import utcnow

from .conftest import EXCHANGE

pytestmark = pytest.mark.integration


def write_events(engine, tables, count, type_="thing.happened"):
    events = [Event(type_, {"n": n}) for n in range(count)]
    for event in events:
        with SqlUnitOfWork(engine, tables["outbox"]) as uow:
            uow.outbox.publish(event)
            uow.commit()
    return events


def relay(engine, tables, amqp_url):
    return OutboxRelay(engine, tables["outbox"], "broker", BrokerSink(ConfirmingPublisher(amqp_url, EXCHANGE)),
                       idle_wait_seconds=0.1)


def run_in_thread(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def recording_handler(tables, fail_times=None):
    def handle(event, conn):
        if fail_times is not None and fail_times.get(event.id, 0) > 0:
            fail_times[event.id] -= 1
            raise RuntimeError("handler failure")
        conn.execute(tables["effects"].insert().values(event_id=event.id))
    return handle


def effects(engine, tables):
    with engine.connect() as conn:
        return [row.event_id for row in conn.execute(sa.select(tables["effects"].c.event_id))]


def test_event_written_with_a_change_reaches_a_bound_queue_exactly_once(engine, tables, amqp_url):
    probe = bind_probe_queue(amqp_url, EXCHANGE, ["thing.#"])
    events = write_events(engine, tables, 5)
    assert relay(engine, tables, amqp_url).relay_batch() == 5
    received = drain_queue(amqp_url, probe, expect=5)
    assert sorted(m["id"] for m in received) == sorted(e.id for e in events)
    assert relay(engine, tables, amqp_url).relay_batch() == 0  # marked sent: never published twice


def test_rolled_back_change_publishes_nothing(engine, tables, amqp_url):
    with SqlUnitOfWork(engine, tables["outbox"]) as uow:
        uow.outbox.publish(Event("thing.happened", {}))  # no commit
    assert relay(engine, tables, amqp_url).relay_batch() == 0


def test_events_wait_in_the_outbox_while_the_broker_is_unreachable(engine, tables, amqp_url):
    write_events(engine, tables, 2)
    unreachable = OutboxRelay(engine, tables["outbox"], "broker",
                              BrokerSink(ConfirmingPublisher("amqp://guest:guest@127.0.0.1:1/%2F", EXCHANGE)))
    with pytest.raises(SinkUnavailable):
        unreachable.relay_batch()
    probe = bind_probe_queue(amqp_url, EXCHANGE, ["thing.#"])
    assert relay(engine, tables, amqp_url).relay_batch() == 2
    assert len(drain_queue(amqp_url, probe, expect=2)) == 2


def test_consumer_applies_a_redelivered_event_once(engine, tables):
    processor = EventProcessor(engine, tables["inbox"], {"thing.happened": recording_handler(tables)}, typed=False)
    event = Event("thing.happened", {"n": 1})
    assert processor.process(event) == HANDLED
    assert processor.process(Event.from_envelope(event.to_envelope())) == DUPLICATE
    assert effects(engine, tables) == [event.id]


def test_failed_handler_leaves_no_inbox_row_so_a_retry_applies_it(engine, tables):
    event = Event("thing.happened", {})
    processor = EventProcessor(engine, tables["inbox"],
                               {"thing.happened": recording_handler(tables, {event.id: 1})}, typed=False)
    with pytest.raises(RuntimeError):
        processor.process(event)
    assert processor.process(event) == HANDLED
    assert effects(engine, tables) == [event.id]


def publish_raw(amqp_url, events):
    publisher = ConfirmingPublisher(amqp_url, EXCHANGE)
    for event in events:
        publisher.publish(event.type, event.to_envelope(), message_id=event.id)
    publisher.close()


def start_consumer(engine, tables, amqp_url, handler, queue):
    consumer = Consumer(amqp_url, EXCHANGE, queue,
                        EventProcessor(engine, tables["inbox"], {"thing.happened": handler}, typed=False),
                        max_attempts=3)
    thread = run_in_thread(lambda: consumer.run_forever(handle_signals=False))
    return consumer, thread


def declare(amqp_url, queue):
    from dropin_common.broker import declare_queue
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    declare_queue(connection.channel(), EXCHANGE, queue)
    connection.close()


def test_consumer_gets_the_same_event_twice_and_applies_it_once(engine, tables, amqp_url):
    queue = QueueSpec("it-dedupe", ("thing.#",))
    declare(amqp_url, queue)
    event = Event("thing.happened", {})
    publish_raw(amqp_url, [event, event])
    consumer, thread = start_consumer(engine, tables, amqp_url, recording_handler(tables), queue)
    try:
        wait_until(lambda: effects(engine, tables), message="the event to be applied")
        time.sleep(0.3)
        assert effects(engine, tables) == [event.id]
    finally:
        consumer.stop()
        thread.join(5)


def test_handler_that_keeps_failing_sends_the_message_to_the_dead_letter_queue(engine, tables, amqp_url):
    queue = QueueSpec("it-dlq", ("thing.#",))
    declare(amqp_url, queue)
    poison = Event("thing.happened", {"poison": True})
    healthy = Event("thing.happened", {})
    publish_raw(amqp_url, [poison, healthy])
    consumer, thread = start_consumer(engine, tables, amqp_url,
                                      recording_handler(tables, {poison.id: 99}), queue)
    try:
        dead = drain_queue(amqp_url, queue.dead_letter_queue, expect=1, timeout=15)
        assert [m["id"] for m in dead] == [poison.id]
        assert effects(engine, tables) == [healthy.id]  # the bad one did not block the good one
    finally:
        consumer.stop()
        thread.join(5)


def test_cutting_relay_and_consumer_connections_while_events_flow_loses_none(engine, tables, amqp_url):
    queue = QueueSpec("it-cut", ("thing.#",))
    declare(amqp_url, queue)
    consumer, consumer_thread = start_consumer(engine, tables, amqp_url, recording_handler(tables), queue)
    the_relay = relay(engine, tables, amqp_url)
    relay_thread = run_in_thread(lambda: the_relay.run_forever(handle_signals=False))
    written = []
    try:
        for _round in range(4):
            written += write_events(engine, tables, 50)
            time.sleep(0.2)
            close_vhost_connections(amqp_url)
        wait_until(lambda: len(set(effects(engine, tables))) >= len(written), timeout=40,
                   message="every event to reach the consumer")
        applied = effects(engine, tables)
        assert sorted(applied) == sorted(e.id for e in written)  # all of them, each exactly once
    finally:
        the_relay.stop()
        consumer.stop()
        relay_thread.join(5)
        consumer_thread.join(5)


def test_revocations_from_events_refuse_the_token(engine, tables):
    principal = Principal("acc-9", "dealer", None, jti="j-1", issued_at=100.0, expires_at=200.0)
    revocations = SqlRevocationList(engine, tables["revoked_tokens"], tables["token_cutoffs"])
    assert not revocations.is_revoked(principal)
    with engine.begin() as conn:
        apply_revocation(conn, tables["revoked_tokens"], tables["token_cutoffs"],
                         AccountTokensRevoked(account_id="acc-9", jti="j-1"))
    assert revocations.is_revoked(principal)
    later = Principal("acc-9", "dealer", None, jti="j-2", issued_at=150.0, expires_at=200.0)
    with engine.begin() as conn:
        apply_revocation(conn, tables["revoked_tokens"], tables["token_cutoffs"],
                         AccountTokensRevoked(account_id="acc-9", not_before=160.0))
        apply_revocation(conn, tables["revoked_tokens"], tables["token_cutoffs"],
                         AccountTokensRevoked(account_id="acc-9", not_before=120.0))  # older cut-off arriving late
    assert revocations.is_revoked(later)
    fresh = Principal("acc-9", "dealer", None, jti="j-3", issued_at=170.0, expires_at=300.0)
    assert not revocations.is_revoked(fresh)


def test_the_relay_prunes_only_its_own_rows_sent_before_the_retention(engine, tables, amqp_url):
    o = tables["outbox"]
    old_sent, recent_sent = write_events(engine, tables, 2)
    assert relay(engine, tables, amqp_url).relay_batch() == 2
    [old_unsent] = write_events(engine, tables, 1)
    with engine.begin() as conn:
        conn.execute(o.insert().values(destination="pusher", topic="x", payload={}, sent_at=sa.text(
            "now() - interval '30 days'")))
        conn.execute(o.update().where(o.c.payload["id"].astext.in_([old_sent.id, old_unsent.id]))
                     .values(created_at=sa.text("now() - interval '30 days'"),
                             sent_at=sa.case((o.c.sent_at.is_(None), None),
                                             else_=sa.text("now() - interval '8 days'"))))

    assert relay(engine, tables, amqp_url).prune_sent() == 1

    with engine.connect() as conn:
        left = conn.execute(sa.select(o.c.destination, o.c.payload["id"].astext)).all()
    assert sorted(left, key=str) == sorted([("broker", recent_sent.id), ("broker", old_unsent.id),
                                            ("pusher", None)], key=str)


def test_a_relay_without_retention_keeps_every_sent_row(engine, tables, amqp_url):
    # The broker's relays: their sent rows are the event log a read model is rebuilt from.
    write_events(engine, tables, 2)
    keeping = OutboxRelay(engine, tables["outbox"], "broker",
                          BrokerSink(ConfirmingPublisher(amqp_url, EXCHANGE)), retention=None)
    assert keeping.relay_batch() == 2
    with engine.begin() as conn:
        conn.execute(tables["outbox"].update().values(sent_at=sa.text("now() - interval '3 years'")))
    assert keeping.prune_sent() == 0 and outbox_rows(engine, tables["outbox"]) == 2


def test_a_running_relay_prunes_on_start(engine, tables, amqp_url):
    o = tables["outbox"]
    write_events(engine, tables, 3)
    with engine.begin() as conn:
        conn.execute(o.update().values(sent_at=sa.text("now() - interval '2 hours'")))
    running = OutboxRelay(engine, o, "broker", BrokerSink(ConfirmingPublisher(amqp_url, EXCHANGE)),
                          idle_wait_seconds=0.1, retention=timedelta(hours=1))
    thread = run_in_thread(lambda: running.run_forever(handle_signals=False))
    try:
        wait_until(lambda: not outbox_rows(engine, o), message="sent rows pruned")
    finally:
        running.stop()
        thread.join(timeout=5)


def outbox_rows(engine, outbox):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()


class RefusingSink:
    """Sends every row but those whose `n` is in `refused`, which the destination refuses for good."""

    def __init__(self, refused):
        self.refused = refused
        self.sent = []

    def send(self, topic, payload):
        if payload["data"]["n"] in self.refused:
            raise Undeliverable(f"refused n={payload['data']['n']}")
        self.sent.append(payload["data"]["n"])

    def idle(self, seconds):
        pass


def test_a_row_refused_for_good_is_set_aside_and_the_rows_behind_it_go_on(engine, tables):
    o = tables["outbox"]
    write_events(engine, tables, 4)
    sink = RefusingSink(refused={1})
    refusing = OutboxRelay(engine, o, "broker", sink)

    assert refusing.relay_batch() == 3
    assert refusing.relay_batch() == 0  # set aside: not tried again
    assert sink.sent == [0, 2, 3]
    with engine.connect() as conn:
        [row] = conn.execute(sa.select(o).where(o.c.given_up_at.is_not(None))).all()
    assert row.payload["data"]["n"] == 1 and row.sent_at is None and row.last_error == "refused n=1"
    assert refusing.prune_sent() == 0  # recent; and a set-aside row is never pruned as sent


def test_consumer_housekeeping_prunes_old_inbox_rows_and_expired_revocations(engine, tables):
    inbox, revoked = tables["inbox"], tables["revoked_tokens"]
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(inbox.insert(), [
            {"event_id": "old", "event_type": "t", "handled_at": now - timedelta(days=31)},
            {"event_id": "recent", "event_type": "t", "handled_at": now - timedelta(days=29)}])
        conn.execute(revoked.insert(), [
            {"jti": "expired", "expires_at": now - timedelta(seconds=1)},
            {"jti": "live", "expires_at": now + timedelta(hours=1)},
            {"jti": "no-expiry", "expires_at": None}])

    assert prune_consumer_tables(engine, tables, timedelta(days=30)) == 2

    with engine.connect() as conn:
        assert conn.execute(sa.select(inbox.c.event_id)).scalars().all() == ["recent"]
        assert sorted(conn.execute(sa.select(revoked.c.jti)).scalars()) == ["live", "no-expiry"]


def test_a_consumer_runs_its_housekeeping_on_start_and_keeps_consuming_if_it_fails(engine, tables, amqp_url):
    queue = QueueSpec("it-housekeeping", ("thing.#",))
    calls = []

    def failing_housekeeping():
        calls.append(time.monotonic())
        raise RuntimeError("disk full")
    consumer = Consumer(amqp_url, EXCHANGE, queue,
                        EventProcessor(engine, tables["inbox"], {"thing.happened": recording_handler(tables)},
                                       typed=False),
                        housekeeping=failing_housekeeping, housekeeping_interval=0.2)
    thread = run_in_thread(lambda: consumer.run_forever(handle_signals=False))
    try:
        wait_until(lambda: len(calls) >= 2, message="housekeeping on start, then again after its interval")
        event = Event("thing.happened", {})
        publish_raw(amqp_url, [event])
        wait_until(lambda: effects(engine, tables) == [event.id], message="the event handled")
    finally:
        consumer.stop()
        thread.join(timeout=5)


def test_a_relay_wakes_for_its_own_destination_only_and_a_transaction_wakes_it_once(engine, tables):
    """Relays share one channel; the payload names the destination. A row for another destination
    must not wake this relay (an empty claim per row), and several rows in one transaction wake it
    once."""
    from dropin_common.outbox import _listen, _wait_for_notify
    listener = _listen(engine)
    try:
        with SqlUnitOfWork(engine, tables["outbox"]) as uow:
            uow.outbox.add("pusher", "stream.requested", {"n": 1})
            uow.commit()
        started = time.monotonic()
        _wait_for_notify(listener, "broker", timeout=0.5)
        assert time.monotonic() - started >= 0.45  # the pusher row did not wake the broker relay

        with SqlUnitOfWork(engine, tables["outbox"]) as uow:
            for n in range(3):
                uow.outbox.add("broker", "thing.happened", {"n": n})
            uow.commit()
        started = time.monotonic()
        _wait_for_notify(listener, "broker", timeout=5)
        assert time.monotonic() - started < 1
        assert list(listener.notifies(timeout=0.2)) == []  # one wake for the three rows
    finally:
        listener.close()


def test_a_transactions_rows_are_written_at_commit_in_their_order(engine, tables):
    """The outbox collects a change's rows and writes them in one statement at commit: in the
    order they were added (relays send by id), each destination's rows with their payloads."""
    outbox = tables["outbox"]
    with engine.begin() as conn:
        before = conn.execute(sa.select(sa.func.coalesce(sa.func.max(outbox.c.id), 0))).scalar_one()
    with SqlUnitOfWork(engine, outbox) as uow:
        uow.outbox.add("pusher", "first", {"n": 1, "text": "O'Neil \"quoted\" ü"})
        uow.outbox.add("broker", "second", {"n": 2})
        uow.outbox.add("pusher", "third", {"n": 3, "nested": {"list": [1, None]}})
        uow.commit()
    with engine.begin() as conn:
        rows = conn.execute(sa.select(outbox.c.destination, outbox.c.topic, outbox.c.payload)
                            .where(outbox.c.id > before).order_by(outbox.c.id)).all()
    assert [tuple(row) for row in rows] == [
        ("pusher", "first", {"n": 1, "text": "O'Neil \"quoted\" ü"}),
        ("broker", "second", {"n": 2}),
        ("pusher", "third", {"n": 3, "nested": {"list": [1, None]}})]
