"""Auth's consumer: a dealer.presence_lapsed event from streams, published to the real vhost and
consumed by the consumer process, switches the dealer offline once, with the reason in the event."""
from __future__ import annotations

import uuid

import sqlalchemy as sa

from dropin_auth.entrypoints.http import create_app
from dropin_common.broker import ConfirmingPublisher
from dropin_common.events import Event
from dropin_common.testing import wait_until

from .conftest import EXCHANGE
from .http_helpers import AuthClient


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
