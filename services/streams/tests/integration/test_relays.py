"""What leaves the service: events to RabbitMQ, notifications to (a fake) Pusher, mail to SMTP."""
from __future__ import annotations

import socket
from dataclasses import replace
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from dropin_common.auth import Principal
from dropin_common.outbox import OutboxRelay, SinkUnavailable
from dropin_common.testing import bind_probe_queue, close_vhost_connections, drain_queue, wait_until
from dropin_common.timeutil import utcnow
from dropin_streams.domain.lead import Contact
from dropin_streams.bootstrap import sink_for
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.leads import CreateLead, create_lead
from dropin_streams.use_cases.loan_link import send_loan_link
from dropin_streams.use_cases.request_stream import RequestStream, request_stream
from dropin_streams.use_cases.stop_stream import stop_stream

from .conftest import EXCHANGE, outbox_rows, seed_dealer, seed_organization

VIN = "1HGCM82633A004352"
ALICE = Principal("alice", "dealer", "org-1", "jti-alice", 0, 2e9)


def relay(container, destination, settings=None):
    return OutboxRelay(container.engine, container.tables["outbox"], destination,
                       sink_for(destination, settings or container.settings))


@pytest.fixture
def finished_stream(container):
    seed_organization(container)
    seed_dealer(container, "alice")
    stream = request_stream(container.uow(), container.decoder, RequestStream("ACME", VIN), utcnow()).stream
    accept_stream(container.uow(), ALICE, stream.id, utcnow())
    stop_stream(container.uow(), stream.id, ALICE, utcnow())
    return stream


def test_stream_events_reach_the_exchange_in_order_with_growing_versions(container, amqp_url, finished_stream):
    probe = bind_probe_queue(amqp_url, EXCHANGE, ["stream.*"])
    assert relay(container, "broker").relay_batch() == 3
    received = drain_queue(amqp_url, probe, expect=3)
    assert [m["type"] for m in received] == ["stream.requested", "stream.accepted", "stream.stopped"]
    assert [m["data"]["stream"]["version"] for m in received] == [1, 2, 3]
    assert received[2]["data"]["stream"]["stoppedBy"] == "dealer"
    assert all(row.sent_at is not None for row in outbox_rows(container, "broker"))


def test_a_broker_outage_delays_events_without_losing_them(container, amqp_url, finished_stream):
    probe = bind_probe_queue(amqp_url, EXCHANGE, ["stream.*"])
    broker = relay(container, "broker")
    assert broker.relay_batch() == 3
    close_vhost_connections(amqp_url)  # as a broker restart would
    request_stream(container.uow(), container.decoder, RequestStream("ACME", VIN), utcnow())

    def relayed_after_reconnecting() -> bool:
        try:
            return broker.relay_batch() == 1
        except SinkUnavailable:
            return False
    wait_until(relayed_after_reconnecting, timeout=15, interval=0.2, message="the relay to reconnect")
    received = drain_queue(amqp_url, probe, expect=4)
    assert [m["type"] for m in received] == ["stream.requested", "stream.accepted", "stream.stopped",
                                             "stream.requested"]
    assert all(row.sent_at is not None for row in outbox_rows(container, "broker"))


def test_pusher_receives_each_notification_with_a_valid_signature(container, fake_pusher, finished_stream):
    assert relay(container, "pusher").relay_batch() == 3
    assert fake_pusher.rejected == 0
    [ringing] = fake_pusher.events_named("stream.requested")
    assert set(ringing.channels) == {"private-organization-org-1", "private-dealer-alice"}
    assert ringing.data["id"] == finished_stream.id
    [stopped] = fake_pusher.events_named("stream.stopped")
    assert set(stopped.channels) == {f"private-stream-{finished_stream.id}", "private-organization-org-1"}


def test_a_pusher_outage_delays_notifications_without_losing_them(container, fake_pusher, finished_stream):
    fake_pusher.fail_with_status = 503
    with pytest.raises(SinkUnavailable):
        relay(container, "pusher").relay_batch()
    assert all(row.sent_at is None for row in outbox_rows(container, "pusher"))
    fake_pusher.fail_with_status = None
    assert relay(container, "pusher").relay_batch() == 3
    assert len(fake_pusher.events) == 3


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loan_link_queued(container, stream):
    create_lead(container.uow(), container.decoder,
                CreateLead(Contact(first_name="Sam", email="sam@example.com"), stream_id=stream.id), utcnow())
    return send_loan_link(container.uow(), stream.id, "cars@acme.example", utcnow()).message


def test_the_loan_link_is_delivered_over_smtp(container, finished_stream):
    mailbox = Mailbox()
    port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        message = loan_link_queued(container, finished_stream)
        assert relay(container, "email", replace(container.settings, smtp_port=port)).relay_batch() == 1
    finally:
        smtp.stop()
    [(recipients, mail)] = mailbox.messages
    assert recipients == ["sam@example.com"]
    assert mail["From"] == "cars@acme.example" and mail["Message-ID"] == f"<{message.id}@dropin>"
    assert "https://loans.example/acme" in mail.get_payload()


def test_mail_waits_in_the_outbox_while_the_smtp_server_is_down(container, finished_stream):
    loan_link_queued(container, finished_stream)
    with pytest.raises(SinkUnavailable):
        relay(container, "email", replace(container.settings, smtp_port=free_port())).relay_batch()
    [row] = outbox_rows(container, "email")
    assert row.sent_at is None and row.attempts == 0


def test_notifications_pusher_refuses_for_good_are_set_aside(container, fake_pusher, finished_stream):
    fake_pusher.fail_with_status = 413  # this message is the problem: retrying cannot help
    assert relay(container, "pusher").relay_batch() == 0
    rows = outbox_rows(container, "pusher")
    assert len(rows) == 3 and all(row.given_up_at and "413" in row.last_error for row in rows)
    fake_pusher.fail_with_status = None
    assert relay(container, "pusher").relay_batch() == 0 and fake_pusher.events == []


def test_pusher_refusing_the_app_holds_every_notification_back_without_counting(container, fake_pusher,
                                                                                finished_stream):
    fake_pusher.fail_with_status = 401  # wrong credentials: every row would fail alike
    with pytest.raises(SinkUnavailable):
        relay(container, "pusher").relay_batch()
    assert all(row.given_up_at is None and row.attempts == 0 for row in outbox_rows(container, "pusher"))


class RefusingMailbox(Mailbox):
    def __init__(self, reply: str):
        super().__init__()
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.reply


@pytest.mark.parametrize("reply, given_up", [("550 5.1.1 No such user", True), ("451 4.3.0 Try later", False)])
def test_a_recipient_refused_for_good_is_set_aside_and_a_temporary_refusal_retried(container, finished_stream,
                                                                                   reply, given_up):
    port = free_port()
    smtp = Controller(RefusingMailbox(reply), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        loan_link_queued(container, finished_stream)
        assert relay(container, "email", replace(container.settings, smtp_port=port)).relay_batch() == 0
    finally:
        smtp.stop()
    [row] = outbox_rows(container, "email")
    assert row.sent_at is None and row.attempts == 1 and reply[:3] in row.last_error
    assert (row.given_up_at is not None) == given_up
    if not given_up:
        assert row.available_at > utcnow()  # backed off, tried again later
