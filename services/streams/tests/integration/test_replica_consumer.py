"""The replica is fed by real events published to the vhost and consumed by the consumer process."""
from __future__ import annotations

import uuid

import jwt
import pika
import pytest

from dropin_common.broker import ConfirmingPublisher
from dropin_common.events import Event
from dropin_common.testing import wait_until
from dropin_common.topology import STREAMS_QUEUE as QUEUE
from dropin_streams.entrypoints.http import create_app

from .conftest import EXCHANGE

@pytest.fixture
def publish(amqp_url):
    publisher = ConfirmingPublisher(amqp_url, EXCHANGE)
    sent = []

    def send(event_type: str, data: dict, event_id: str | None = None) -> Event:
        event = Event(type=event_type, data=data, id=event_id or str(uuid.uuid4()))
        publisher.publish(event.type, event.to_envelope(), message_id=event.id)
        sent.append(event)
        return event
    yield send
    publisher.close()


def queue_declared(amqp_url) -> bool:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().queue_declare(queue=QUEUE.name, passive=True)
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        if connection.is_open:
            connection.close()


def organization(updated_at: str, name="Acme Motors"):
    return {"organization": {"id": "org-9", "name": name, "code": "ACME9", "loanLink": "https://l.example",
                             "tokenHash": "ab" * 32, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": updated_at}}


def account(updated_at: str, presence: str):
    return {"account": {"id": "acc-9", "email": "d@x.example", "username": "d", "firstName": "Dana",
                        "lastName": "Dealer", "phone": None, "role": "dealer", "status": "active",
                        "accountStatus": presence, "organizationId": "org-9",
                        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": updated_at}}


def test_the_consumer_keeps_the_replica_in_step_with_auths_events(container, amqp_url, consumer_process, publish):
    wait_until(lambda: queue_declared(amqp_url), timeout=10, message="the consumer's queue")
    publish("organization.created", organization("2026-01-01T00:00:01Z"))
    registered = publish("account.registered", account("2026-01-01T00:00:01Z", "offline"))
    publish("account.presence_changed", account("2026-01-01T00:00:03Z", "online"))
    publish("account.updated", account("2026-01-01T00:00:02Z", "offline"))  # late and older: ignored
    publish("account.registered", registered.data, event_id=registered.id)  # redelivered: ignored
    publish("organization.updated", organization("2026-01-01T00:00:05Z", name="Acme Cars"))

    def replica():
        with container.uow() as uow:
            return uow.organizations.get("org-9"), uow.accounts.get("acc-9")

    def organization_renamed():
        org, _account = replica()
        return org is not None and org.name == "Acme Cars"

    wait_until(organization_renamed, timeout=10, message="the organization update")
    wait_until(lambda: replica()[1].account_status == "online", timeout=5, message="the presence change")
    with container.uow() as uow:
        assert [dealer.id for dealer in uow.accounts.online_active_dealers("org-9")] == ["acc-9"]
        assert uow.organizations.by_code("ACME9").loan_link == "https://l.example"


def test_a_revoked_token_is_refused_once_the_revocation_arrives(container, amqp_url, consumer_process, publish,
                                                                 issue_token):
    wait_until(lambda: queue_declared(amqp_url), timeout=10, message="the consumer's queue")
    client = create_app(container).test_client()
    token = issue_token("acc-1", role="admin", organization_id=None)
    headers = {"Authorization": f"JWT {token}"}
    assert client.get("/streams", headers=headers).status_code == 200
    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    publish("account.tokens_revoked", {"accountId": "acc-1", "jti": jti, "expiresAt": "2099-01-01T00:00:00Z"})
    wait_until(lambda: client.get("/streams", headers=headers).status_code == 401, timeout=10,
               message="the token to be refused")
    assert client.get("/streams", headers=headers).get_json()["error"]["code"] == "token_revoked"
