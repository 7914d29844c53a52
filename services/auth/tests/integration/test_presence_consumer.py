"""Auth's consumer: a dealer.presence_lapsed event from streams, published to the real vhost and
consumed by the consumer process, switches the dealer offline once, with the reason in the event."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pika
import pytest
import sqlalchemy as sa

from dropin_common.topology import AUTH_QUEUE as QUEUE
from dropin_auth.entrypoints.http import create_app
from dropin_common.broker import ConfirmingPublisher
from dropin_common.events import Event
from dropin_common.testing import wait_until

from .conftest import EXCHANGE
from .http_helpers import AuthClient

SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def consumer_process(database_url, amqp_url):
    env = {**os.environ, "DATABASE_URL": database_url, "AMQP_URL": amqp_url, "EVENT_EXCHANGE": EXCHANGE}
    process = subprocess.Popen([sys.executable, "-m", "dropin_auth.entrypoints.consumer"], cwd=SERVICE_DIR,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process
    process.terminate()
    process.wait(timeout=10)


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


def presence_events(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT payload FROM outbox WHERE topic = 'account.presence_changed' "
                                    "ORDER BY id")).all()
    return [row.payload["data"] for row in rows]


def test_a_lapsed_dealer_is_switched_offline_once(container, amqp_url, consumer_process):
    api = AuthClient(create_app(container).test_client(), container)
    admin = api.admin_token()
    organization = api.organization(admin)
    dealer, token = api.active_dealer(admin, 1, organization["id"])
    online = api.call("POST", "/accounts/status/online", token=token).get_json()
    assert online["accountStatus"] == "online"

    wait_until(lambda: queue_declared(amqp_url), timeout=15, message="the consumer's queue")
    publisher = ConfirmingPublisher(amqp_url, EXCHANGE)
    event = Event("dealer.presence_lapsed", {"accountId": dealer["id"], "organizationId": organization["id"],
                                             "lastSeenAt": online["updatedAt"], "timeoutSeconds": 120},
                  id=str(uuid.uuid4()))
    try:
        for _ in range(2):  # the second is a redelivery
            publisher.publish(event.type, event.to_envelope(), message_id=event.id)
    finally:
        publisher.close()

    def switched_offline():
        me = api.call("GET", "/accounts/me", token=token).get_json()
        return me["accountStatus"] == "offline"
    wait_until(switched_offline, timeout=15, message="the dealer switched offline")
    wait_until(lambda: len(presence_events(container.engine)) == 2, timeout=5, message="the offline event")
    last = presence_events(container.engine)[-1]
    assert last["account"]["accountStatus"] == "offline" and last["reason"] == "presence_timeout"
    with container.engine.connect() as conn:
        handled = conn.execute(sa.text("SELECT count(*) FROM inbox")).scalar_one()
    assert handled == 1
