"""Real PostgreSQL (a throwaway `dashboard_it` database) and RabbitMQ (a throwaway vhost), the real
consumer process, and admin/dealer JWTs signed with a key pair made for the session."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pika
import pytest
import sqlalchemy as sa

from dropin_common.auth import ROLE_ADMIN, ROLE_DEALER
from dropin_common.config import CommonSettings
from dropin_common.events import Event
from dropin_common.testing import known_account, wait_until
from dropin_common.testing_fixtures import *  # noqa: F403 - the shared fixtures, found by name
from dropin_common.testing_fixtures import ServiceUnderTest
from dropin_dashboard.bootstrap import bootstrap
from dropin_common.topology import DASHBOARD_ACCOUNTS_QUEUE
from dropin_common.topology import DASHBOARD_QUEUE as QUEUE
from dropin_dashboard.entrypoints.http import create_app

pytestmark = pytest.mark.integration
SERVICE_DIR = Path(__file__).resolve().parents[2]
EXCHANGE = "dropin.events"


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("dashboard", SERVICE_DIR / "dropin_dashboard/adapters/migrations", exchange=EXCHANGE,
                            queue=QUEUE, more_consumers=(("accounts_consumer", DASHBOARD_ACCOUNTS_QUEUE),))


@pytest.fixture(scope="session")
def container(database_url, amqp_url, tokens):
    settings = CommonSettings(service="dashboard", database_url=database_url, amqp_url=amqp_url,
                              event_exchange=EXCHANGE, jwt_public_key=tokens.public_pem, max_body_bytes=65536)
    container = bootstrap(settings)
    yield container
    container.engine.dispose()


@pytest.fixture(scope="session")
def client(container):
    return create_app(container).test_client()


ADMIN_ID = "dashboard-test-admin"


@pytest.fixture(scope="session")
def make_token(tokens, container):
    """A token for an account the dashboard's replica knows (active, with the token's role)."""
    def make(role: str = ROLE_ADMIN, *, account_id: str | None = None, jti: str | None = None,
             issued_at: float | None = None) -> str:
        claims = {"jti": jti} if jti else {}
        account_id = account_id or str(uuid.uuid4())
        organization_id = "org-1" if role == ROLE_DEALER else None
        known_account(container.engine, container.tables["dealers"], account_id, role, organization_id)
        return tokens.issue(account_id, role, organization_id, issued_at=issued_at, **claims)
    return make


@pytest.fixture(scope="session")
def admin_headers(make_token):
    return {"Authorization": f"JWT {make_token(ROLE_ADMIN, account_id=ADMIN_ID)}"}


class EventPublisher:
    """Publishes envelopes to the vhost's event exchange, as the producers' relays do."""

    def __init__(self, amqp_url: str):
        self._connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self._channel = self._connection.channel()
        self._channel.confirm_delivery()

    def publish(self, event_type: str, data: dict, *, event_id: str | None = None, occurred_at=None) -> Event:
        event = Event(type=event_type, data=data, **({"id": event_id} if event_id else {}),
                      **({"occurred_at": occurred_at} if occurred_at else {}))
        self._channel.basic_publish(EXCHANGE, event_type, json.dumps(event.to_envelope()).encode(),
                                    pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                         message_id=event.id, type=event_type))
        return event

    def close(self) -> None:
        self._connection.close()


@pytest.fixture(scope="session")
def publisher(amqp_url, consumer_process):
    publisher = EventPublisher(amqp_url)
    yield publisher
    publisher.close()


class ReadModelProbe:
    """Looks at the dashboard's own tables to see when the consumer has caught up."""

    def __init__(self, engine):
        self._engine = engine

    def scalar(self, sql: str, **params):
        with self._engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def handled(self, *events: Event) -> bool:
        ids = [event.id for event in events]
        return self.scalar("SELECT count(*) FROM inbox WHERE event_id = ANY(:ids)", ids=ids) == len(ids)

    def wait_handled(self, *events: Event, timeout: float = 15.0) -> None:
        wait_until(lambda: self.handled(*events), timeout=timeout, message=f"{len(events)} events handled")


@pytest.fixture(scope="session")
def probe(container):
    return ReadModelProbe(container.engine)


@pytest.fixture
def empty_read_models(container):
    reset_read_models(container)
    yield


def reset_read_models(container) -> None:
    """Empties the read models; the admin whose token the tests send stays known (the accounts
    replica, `dealers`, is a read model too)."""
    container.maintenance.truncate()
    known_account(container.engine, container.tables["dealers"], ADMIN_ID, ROLE_ADMIN)


# Four calls (two with a lead) fed through the broker, for the endpoint and CSV tests.
# Newest first: D, A, B, C. In GMT+7, A falls on 2026-06-17 and C on 2026-06-16.
DEALER = {"id": "acc-7", "firstName": "Minh", "lastName": "Tran"}
DATASET_CALLS = {
    "A": dict(organization_name="Sunrise Toyota", organization_id="org-sun", make="Toyota", model="Camry",
              car_type="Sedan", vin="4T1BF1FK5CU000001", status="completed", dealer=DEALER,
              requested_at="2026-06-16T18:30:00Z", accepted_at="2026-06-16T18:30:20Z",
              stopped_at="2026-06-16T18:34:20Z", duration_seconds=240, note="Wants a test drive"),
    "B": dict(organization_name="Riverside Honda", organization_id="org-river", make="Honda", model="Civic",
              car_type="Coupe", vin="2HGFG12345H000002", status="missed", requested_at="2026-06-16T10:00:00Z",
              stopped_at="2026-06-16T10:01:00Z", note="+SUM(A1:A9)"),
    "C": dict(organization_name="Sunrise Toyota", organization_id="org-sun", make="Toyota", model="RAV4",
              car_type="SUV", vin="JTMBFREV0000003", status="expired", requested_at="2026-06-15T23:00:00Z"),
    "D": dict(organization_name="Riverside Honda", organization_id="org-river", make="Honda", model="Accord",
              car_type="Sedan", vin="1HGCV1F30LA000004", status="streaming", dealer=DEALER,
              requested_at="2026-06-17T12:00:00Z", accepted_at="2026-06-17T12:00:10Z"),
}
DATASET_LEADS = {
    "A": dict(first_name="Lan", last_name="Nguyen", email="lan@example.com", phone="+84 90 111 2222",
              created_at="2026-06-16T18:40:00Z", organization_id="org-sun", organization_name="Sunrise Toyota",
              vin="4T1BF1FK5CU000001", comment="Call me back"),
    "B": dict(first_name="Bao", last_name="Tran", email="bao@example.com", phone="555-0100",
              created_at="2026-06-16T10:05:00Z", organization_id="org-river",
              organization_name="Riverside Honda", vin="2HGFG12345H000002",
              vehicle={"make": "Honda", "model": "Civic", "type": "Coupe", "year": 2019},
              comment='=HYPERLINK("http://evil.example","x")'),
}


class Dataset:
    def __init__(self):
        self.call_ids = {key: str(uuid.uuid4()) for key in DATASET_CALLS}
        self.lead_ids = {key: str(uuid.uuid4()) for key in DATASET_LEADS}

    def calls(self, *keys: str) -> set[str]:
        return {self.call_ids[key] for key in keys}

    def leads(self, *keys: str) -> set[str]:
        return {self.lead_ids[key] for key in keys}


@pytest.fixture(scope="module")
def dataset(container, publisher, probe):
    from tests.payloads import lead_payload, stream_payload
    reset_read_models(container)
    data = Dataset()
    published = []
    for key, fields in DATASET_CALLS.items():
        published.append(publisher.publish("stream.stopped", {
            "stream": stream_payload(data.call_ids[key], version=3, **fields)}))
    for key, fields in DATASET_LEADS.items():
        published.append(publisher.publish("lead.created", {
            "lead": lead_payload(data.call_ids[key], lead_id=data.lead_ids[key], **fields)}))
    probe.wait_handled(*published)
    return data
