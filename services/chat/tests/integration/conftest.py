"""Real PostgreSQL (a throwaway `chat_it` database, migrated with Alembic) and a throwaway RabbitMQ
vhost with the chat consumer running in a thread, as it would in its own process."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from dropin_common.auth import ROLE_DEALER
from dropin_common.config import CommonSettings, PusherSettings
from dropin_common.contracts import parse
from dropin_common.events import STREAM_REQUESTED, Event
from dropin_common.fake_pusher import FakePusherServer
from dropin_common.testing import known_account
from dropin_common.testing_fixtures import *  # noqa: F403 - the shared fixtures, found by name
from dropin_common.testing_fixtures import ServiceUnderTest

from dropin_chat.adapters.repositories import SqlStreamReplicaWriter
from dropin_chat.adapters.schema import MIGRATIONS
from dropin_chat.bootstrap import QUEUE, ChatSettings, bootstrap
from dropin_chat.entrypoints.http import create_app
from dropin_chat.use_cases.replicate_streams import apply_stream_event

EXCHANGE = "dropin.events"
PUSHER = {"app_id": "4242", "key": "it-key", "secret": "it-secret"}


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("chat", MIGRATIONS, exchange=EXCHANGE, queue=QUEUE)


@pytest.fixture(scope="session")
def fake_pusher():
    server = FakePusherServer(PUSHER["app_id"], PUSHER["key"], PUSHER["secret"]).start()
    yield server
    server.stop()


def settings_for(database_url, amqp_url, tokens, fake_pusher, *, stream_wait_seconds=3.0):
    public_pem = tokens.public_pem
    common = CommonSettings(service="chat", database_url=database_url, amqp_url=amqp_url,
                            event_exchange=EXCHANGE, jwt_public_key=public_pem, max_body_bytes=64 * 1024)
    pusher = PusherSettings(app_id=PUSHER["app_id"], key=PUSHER["key"], secret=PUSHER["secret"],
                            host=fake_pusher.host, port=fake_pusher.port, ssl=False)
    return ChatSettings(common=common, stream_wait_seconds=stream_wait_seconds, pusher=pusher)


@pytest.fixture(scope="session")
def container(database_url, amqp_url, tokens, fake_pusher):
    container = bootstrap(settings_for(database_url, amqp_url, tokens, fake_pusher))
    yield container
    container.engine.dispose()


@pytest.fixture(autouse=True)
def clean_tables(request):
    yield
    if "container" not in request.fixturenames:
        return
    container = request.getfixturevalue("container")
    with container.engine.begin() as conn:
        for name in ("messages", "streams", "accounts", "outbox", "inbox", "revoked_tokens", "token_cutoffs"):
            conn.execute(container.tables[name].delete())


@pytest.fixture()
def client(container):
    return create_app(container).test_client()


@pytest.fixture()
def token_for(tokens, container):
    """A token for an account chat's replica knows (active, with the token's role, in org-1)."""
    def sign(account_id: str, role: str = ROLE_DEALER, **claims) -> str:
        known_account(container.engine, container.tables["accounts"], account_id, role, "org-1")
        return tokens.issue(account_id, role, "org-1", ttl_seconds=600, **claims)
    return sign


def stream_snapshot(stream_id: str, version: int = 1, status: str = "requested",
                    dealer_id: str | None = None, stopped_at: str | None = None) -> dict:
    return {"id": stream_id, "version": version, "organizationId": "org-1", "organizationCode": "acme",
            "organizationName": "Acme Motors", "vin": "1HGCM82633A004352",
            "vehicle": {"make": "Honda", "model": "Accord", "type": "sedan", "year": 2003},
            "status": status, "dealerId": dealer_id, "dealer": None,
            "requestedAt": "2026-01-01T12:00:00Z", "acceptedAt": None, "stoppedAt": stopped_at,
            "stoppedBy": None, "note": None, "durationSeconds": None}


def stream_event(stream_id: str, event_type: str = STREAM_REQUESTED, **snapshot) -> Event:
    return Event(event_type, {"stream": stream_snapshot(stream_id, **snapshot)})


@pytest.fixture()
def known_stream(container):
    """Puts a stream into the replica the way the consumer does, without the broker."""
    def add(stream_id: str | None = None, **snapshot) -> str:
        stream_id = stream_id or str(uuid.uuid4())
        with container.engine.begin() as conn:
            apply_stream_event(parse(stream_event(stream_id, **snapshot)),
                               SqlStreamReplicaWriter(conn, container.tables))
        return stream_id
    return add


def count_rows(container, table: str, *where) -> int:
    t = container.tables[table]
    with container.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar_one()
