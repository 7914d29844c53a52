"""Events leave auth through the outbox: written in the state change's transaction, then relayed
to RabbitMQ with publisher confirms."""
from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from dropin_auth.adapters.tables import messaging
from dropin_auth.domain.actors import Actor
from dropin_auth.domain.errors import EmailTaken
from dropin_auth.use_cases.organizations import CreateOrganization, create_organization
from dropin_auth.use_cases.registration import RegisterDealer, register_dealer
from dropin_common import events
from dropin_common.testing import bind_probe_queue, drain_queue

from .conftest import EXCHANGE

ADMIN = Actor(account_id="admin", role="admin", organization_id=None)


def register(container, email="ann@example.com", username="ann"):
    return register_dealer(container.uow(), container.hasher, container.clock, RegisterDealer(
        email=email, password="correct horse", username=username, first_name="Ann", last_name="Lee"))


def outbox_rows(engine):
    outbox = messaging["outbox"]
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox).order_by(outbox.c.id)).mappings().all()


def test_registration_writes_its_event_to_the_outbox_in_the_same_transaction(container, engine):
    account = register(container)

    [row] = outbox_rows(engine)
    assert (row["destination"], row["topic"]) == ("broker", events.ACCOUNT_REGISTERED)
    assert row["payload"]["data"]["account"]["id"] == account.id
    assert row["sent_at"] is None


def test_a_refused_registration_leaves_no_outbox_row(container, engine):
    register(container)

    with pytest.raises(EmailTaken):
        register(container, username="someone-else")

    assert len(outbox_rows(engine)) == 1


def test_relay_publishes_outbox_rows_to_a_bound_queue_and_marks_them_sent(container, engine, amqp_url):
    queue = bind_probe_queue(amqp_url, EXCHANGE, ["account.*", "organization.*"])
    account = register(container)
    organization = create_organization(container.uow(), container.clock, ADMIN,
                                       CreateOrganization(name="Acme", code="acme"))

    relay = container.relay("broker")
    assert relay.relay_batch() == 2

    received = drain_queue(amqp_url, queue, expect=2)
    assert [message["type"] for message in received] == [events.ACCOUNT_REGISTERED, events.ORGANIZATION_CREATED]
    assert received[0]["data"]["account"]["id"] == account.id
    published_org = received[1]["data"]["organization"]
    assert published_org["tokenHash"] == hashlib.sha256(organization.token.encode()).hexdigest()
    assert "token" not in published_org
    assert all(row["sent_at"] is not None for row in outbox_rows(engine))
    assert relay.relay_batch() == 0
