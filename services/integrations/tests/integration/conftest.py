"""Real PostgreSQL (a throwaway `integrations_it` database, migrated with Alembic), a throwaway
RabbitMQ vhost, the integrations consumer and both relays in threads as in their own processes, a
real SMTP server and an HTTP receiver that checks webhook signatures."""
from __future__ import annotations


import pytest
import sqlalchemy as sa

from dropin_common.config import CommonSettings
from dropin_common.events import ACCOUNT_REGISTERED, Event
from dropin_common.testing_fixtures import *  # noqa: F403 - the shared fixtures, found by name
from dropin_common.testing_fixtures import Running, ServiceUnderTest

from dropin_integrations.adapters.schema import MIGRATIONS
from dropin_integrations.bootstrap import QUEUE, IntegrationsSettings, bootstrap
from dropin_integrations.entrypoints.http import create_app
from dropin_integrations.use_cases.plan_deliveries import DeliverySettings

from .. import snapshots
from .receivers import SmtpServer, WebhookReceiver

EXCHANGE = "dropin.events"


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("integrations", MIGRATIONS, exchange=EXCHANGE, queue=QUEUE)


@pytest.fixture(scope="session")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


def settings_for(database_url, amqp_url, tokens, smtp_port, **overrides) -> IntegrationsSettings:
    common = CommonSettings(service="integrations", database_url=database_url, amqp_url=amqp_url,
                            event_exchange=EXCHANGE, jwt_public_key=tokens.public_pem, max_body_bytes=64 * 1024)
    values = dict(common=common, smtp_host="127.0.0.1", smtp_port=smtp_port, production=False,
                  delivery=DeliverySettings(mail_from="no-reply@dropin.test", dashboard_url="https://app.example.com"),
                  webhook_timeout_seconds=2.0, replica_wait_seconds=0.5)
    values.update(overrides)
    return IntegrationsSettings(**values)


@pytest.fixture(scope="session")
def container(database_url, amqp_url, tokens, smtp):
    container = bootstrap(settings_for(database_url, amqp_url, tokens, smtp.port))
    yield container
    container.engine.dispose()


@pytest.fixture()
def relays(container):
    """Both relays, as `make run` starts them."""
    running = [Running(container.relay(destination)) for destination in ("email", "webhook")]
    yield running
    for relay in running:
        relay.stop()


@pytest.fixture(autouse=True)
def clean_tables(request):
    yield
    if "container" not in request.fixturenames:
        return
    container = request.getfixturevalue("container")
    with container.engine.begin() as conn:
        for name in ("deliveries", "webhook_endpoints", "leads", "streams", "organizations", "accounts",
                     "outbox", "inbox", "revoked_tokens", "token_cutoffs"):
            conn.execute(container.tables[name].delete())


@pytest.fixture(autouse=True)
def clean_receivers(request):
    yield
    for name in ("smtp", "receiver"):
        if name in request.fixturenames:
            server = request.getfixturevalue(name)
            if name == "smtp":
                server.mailbox.clear()
            else:
                server.received.clear()
                server.answers.clear()
                server.delay = 0.0


@pytest.fixture()
def client(container):
    return create_app(container).test_client()


@pytest.fixture()
def handle(container):
    """Applies an event the way the consumer does (inbox + handler on one transaction), without
    the broker."""
    return container.event_processor().process


@pytest.fixture()
def admin(container, tokens, handle):
    """An admin the replica knows as active; returns its Authorization header value."""
    account = snapshots.account(role="admin")
    handle(Event(ACCOUNT_REGISTERED, {"account": account}))
    return {"Authorization": f"JWT {tokens.issue(account['id'], 'admin')}"}


def rows(container, table: str, *where) -> list:
    t = container.tables[table]
    with container.engine.connect() as conn:
        return conn.execute(sa.select(t).where(*where).order_by(list(t.primary_key.columns)[0])).all()
