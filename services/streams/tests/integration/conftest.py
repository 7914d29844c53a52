"""Real PostgreSQL (a throwaway `streams_it` database) and RabbitMQ (a throwaway vhost)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from dropin_common.config import CommonSettings, PusherSettings
from dropin_common.fake_pusher import FakePusherServer
from dropin_common.testing import known_account
from dropin_common.testing_fixtures import *  # noqa: F403 - the shared fixtures, found by name
from dropin_common.testing_fixtures import ServiceUnderTest
from dropin_common.timeutil import utcnow
from dropin_common.topology import STREAMS_QUEUE
from dropin_streams.bootstrap import Container, StreamsSettings, bootstrap
from dropin_streams.domain.replica import Account, Organization
from dropin_streams.domain.tokens import sha256_hex

SERVICE_DIR = Path(__file__).resolve().parents[2]
EXCHANGE = "dropin.events.it"
ORG_TOKEN = "acme-organization-token"
PUSHER = dict(app_id="4242", key="it-key", secret="it-secret")


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("streams", SERVICE_DIR / "dropin_streams/adapters/migrations", exchange=EXCHANGE,
                            queue=STREAMS_QUEUE)


@pytest.fixture(scope="session")
def public_key_pem(tokens) -> str:
    return tokens.public_pem


@pytest.fixture
def issue_token(tokens, container):
    """A token, for an account the replica knows (active, with the token's role and organization,
    unless the test seeds the account itself)."""
    def issue(account_id: str, role: str = "dealer", organization_id: str | None = "org-1") -> str:
        known_account(container.engine, container.tables["accounts"], account_id, role, organization_id)
        return tokens.issue(account_id, role, organization_id)
    return issue


@pytest.fixture(scope="session")
def fake_pusher():
    server = FakePusherServer(**PUSHER).start()
    yield server
    server.stop()


def make_settings(database_url, amqp_url, public_key_pem, fake_pusher, **overrides) -> StreamsSettings:
    common = CommonSettings(service="streams", database_url=database_url, amqp_url=amqp_url,
                            event_exchange=EXCHANGE, jwt_public_key=public_key_pem, max_body_bytes=64 * 1024)
    pusher = PusherSettings(host="127.0.0.1", port=fake_pusher.port, ssl=False, **PUSHER)
    # No waiting for the replica by default: tests seed it before they ask.
    return StreamsSettings(common=common, pusher=pusher, **{"replica_grace_seconds": 0.0, **overrides})


@pytest.fixture(scope="session")
def container(database_url, amqp_url, public_key_pem, fake_pusher) -> Container:
    container = bootstrap(make_settings(database_url, amqp_url, public_key_pem, fake_pusher,
                                        ring_timeout=timedelta(seconds=60), ping_timeout=timedelta(seconds=30)),
                          pool_size=25)
    yield container
    container.engine.dispose()


@pytest.fixture(autouse=True)
def clean_tables(container, fake_pusher):
    names = ", ".join(container.tables)
    with container.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    fake_pusher.events.clear()
    fake_pusher.fail_with_status = None
    yield


def seed_organization(container, org_id="org-1", code="ACME", loan_link="https://loans.example/acme"):
    with container.uow() as uow:
        uow.organizations.save_if_newer(Organization(
            id=org_id, name=f"{code} Motors", code=code, loan_link=loan_link, token_hash=sha256_hex(ORG_TOKEN),
            active=True, updated_at=utcnow()))
        uow.commit()


def seed_dealer(container, account_id, org_id="org-1", *, status="active", presence="online", role="dealer"):
    with container.uow() as uow:
        uow.accounts.save_if_newer(Account(
            id=account_id, email=f"{account_id}@example.com", first_name="Dee", last_name=account_id,
            role=role, status=status, account_status=presence, organization_id=org_id, updated_at=utcnow()))
        uow.commit()


def outbox_rows(container, destination=None, topic=None):
    outbox = container.tables["outbox"]
    query = sa.select(outbox).order_by(outbox.c.id)
    if destination:
        query = query.where(outbox.c.destination == destination)
    if topic:
        query = query.where(outbox.c.topic == topic)
    with container.engine.connect() as conn:
        return conn.execute(query).all()
