"""Destinations that are down, refuse, redirect, hang or sit on private addresses: nothing is
lost, nothing is sent twice, and what cannot be delivered is set aside for an admin to retry."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from dropin_common.events import LEAD_CREATED, ORGANIZATION_CREATED, Event
from dropin_common.outbox import SinkUnavailable, Undeliverable
from dropin_common.testing import wait_until

from dropin_integrations.adapters.webhook_sink import WebhookSink
from dropin_integrations.bootstrap import bootstrap

from .. import snapshots
from .conftest import rows, settings_for
from .receivers import SmtpServer, free_port
from .test_delivery import add_endpoint


def a_lead_for(handle, container, receiver=None, *, crm=(), path="/hook") -> dict:
    organization = snapshots.organization(crm=list(crm), managers=[])
    handle(Event(ORGANIZATION_CREATED, {"organization": organization}))
    if receiver is not None:
        add_endpoint(container, receiver, organization["id"], "lead.created", path=path)
    lead = snapshots.lead(organization["id"], None)
    handle(Event(LEAD_CREATED, {"lead": lead}))
    return lead


def retry_now(container) -> None:
    """Skips the back-off wait, as if its time had come."""
    d = container.tables["deliveries"]
    with container.engine.begin() as conn:
        conn.execute(d.update().where(d.c.sent_at.is_(None)).values(available_at=sa.func.now()))


def test_mail_queued_while_the_smtp_server_is_down_is_delivered_once_it_is_back(
        container, database_url, amqp_url, tokens, handle):
    port = free_port()
    offline = bootstrap(settings_for(database_url, amqp_url, tokens, port))
    a_lead_for(handle, container, crm=["leads@crm.example.com"])
    relay = offline.relay("email")

    with pytest.raises(SinkUnavailable):  # nobody listens on the port yet: the relay waits and retries
        relay.relay_batch()
    delivery = rows(container, "deliveries")[0]
    assert (delivery.sent_at, delivery.given_up_at, delivery.attempts) == (None, None, 0)  # waits, no attempt used

    server = SmtpServer(port).start()
    try:
        assert relay.relay_batch() == 1
        assert [message["To"] for message in server.mailbox] == ["leads@crm.example.com"]
    finally:
        server.stop()
        offline.engine.dispose()


def test_a_failing_endpoint_is_retried_with_back_off_then_delivered_once(container, handle, receiver):
    a_lead_for(handle, container, receiver)
    receiver.answers["/hook"] = 503
    relay = container.relay("webhook")

    relay.relay_batch()
    failed = rows(container, "deliveries")[0]
    assert failed.attempts == 1 and "503" in failed.last_error and failed.sent_at is None
    assert failed.available_at > failed.created_at + timedelta(seconds=3)  # backing off (5 s minus jitter)
    assert relay.relay_batch() == 0  # not before its time

    receiver.answers["/hook"] = 200
    retry_now(container)
    assert relay.relay_batch() == 1
    assert len(receiver.at("/hook")) == 2
    first, second = receiver.at("/hook")
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # same message: receivers dedupe
    assert second.error is None


def test_one_dead_endpoint_does_not_hold_back_the_others(container, handle, receiver):
    a_lead_for(handle, container, receiver, path="/dead")
    a_lead_for(handle, container, receiver, path="/alive")
    receiver.answers["/dead"] = 500

    container.relay("webhook").relay_batch()

    assert len(receiver.at("/alive")) == 1
    statuses = {row.target.rsplit("/", 1)[1]: (row.sent_at is not None, row.attempts)
                for row in rows(container, "deliveries")}
    assert statuses == {"dead": (False, 1), "alive": (True, 0)}


def test_after_the_retry_window_a_delivery_is_given_up_and_an_admin_can_send_it_again(
        container, database_url, amqp_url, tokens, smtp, handle, receiver, client, admin):
    short = bootstrap(settings_for(database_url, amqp_url, tokens, smtp.port, retry_window=timedelta(0)))
    a_lead_for(handle, container, receiver)
    receiver.answers["/hook"] = 500
    try:
        short.relay("webhook").relay_batch()
    finally:
        short.engine.dispose()
    delivery = rows(container, "deliveries")[0]
    assert delivery.given_up_at is not None

    listed = client.get("/integrations/deliveries", query_string={"status": "given_up", "kind": "webhook"},
                        headers=admin).get_json()
    assert [d["id"] for d in listed["deliveries"]] == [str(delivery.id)]
    assert listed["deliveries"][0]["lastError"].endswith("answered 500")

    receiver.answers["/hook"] = 200
    again = client.post(f"/integrations/deliveries/{delivery.id}/retry", headers=admin)
    assert again.status_code == 200 and again.get_json()["status"] == "pending"
    assert container.relay("webhook").relay_batch() == 1
    assert client.post(f"/integrations/deliveries/{delivery.id}/retry", headers=admin).status_code == 409


def test_redirects_are_not_followed(container, handle, receiver):
    a_lead_for(handle, container, receiver, path="/moved")
    receiver.answers["/moved"] = 302

    container.relay("webhook").relay_batch()

    assert [hook.path for hook in receiver.received] == ["/moved"]  # never /elsewhere
    assert "302" in rows(container, "deliveries")[0].last_error


def test_an_endpoint_slower_than_the_timeout_fails_the_try(container, handle, receiver):
    a_lead_for(handle, container, receiver)
    receiver.delay = 3.0  # the container's timeout is 2 s

    container.relay("webhook").relay_batch()

    delivery = rows(container, "deliveries")[0]
    assert delivery.sent_at is None and delivery.attempts == 1 and "timed out" in delivery.last_error.lower()


def test_in_production_a_host_resolving_to_a_private_address_is_refused_without_a_call(container, handle, receiver):
    a_lead_for(handle, container, receiver)
    # One bad answer among the host's addresses is enough.
    sink = WebhookSink(production=True, resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    delivery = rows(container, "deliveries")[0]
    payload = {**delivery.payload, "url": "https://hooks.example.com/x"}  # an https URL that passed creation

    with pytest.raises(Undeliverable, match="10.0.0.7 is not a public address"):
        sink.send(delivery.topic, payload)
    assert receiver.received == []


def test_a_deleted_endpoint_is_never_called(container, handle, receiver, client, admin):
    a_lead_for(handle, container, receiver)
    endpoint = rows(container, "webhook_endpoints")[0]

    assert client.delete(f"/integrations/webhooks/{endpoint.id}", headers=admin).status_code == 204
    container.relay("webhook").relay_batch()

    delivery = rows(container, "deliveries")[0]
    assert delivery.given_up_at is not None and delivery.last_error == "the webhook endpoint was deleted"
    assert receiver.received == []


def test_relays_keep_delivering_when_run_as_processes(container, handle, receiver, relays):
    a_lead_for(handle, container, receiver)
    wait_until(lambda: receiver.at("/hook"), message="the webhook")
    wait_until(lambda: rows(container, "deliveries")[0].sent_at, message="marked sent")
