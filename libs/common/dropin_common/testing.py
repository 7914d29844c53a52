"""Test fixtures' plumbing: a throwaway database and a throwaway RabbitMQ vhost per test session.

Tests use the PostgreSQL and RabbitMQ named by TEST_PG_URL / TEST_AMQP_HOST (defaults: the local
servers), never the databases or vhost of a running `make run` stack. Where neither local server
answers and Docker exists, testcontainers starts them.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import jwt
import pika
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .auth import JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER
from .config import postgres_url


def _reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def admin_pg_url() -> str:
    url = os.environ.get("TEST_PG_URL")
    if url:
        return url
    if _reachable("127.0.0.1", 5432) or not shutil.which("docker"):
        return postgres_url("postgres")
    from testcontainers.postgres import PostgresContainer  # only where Docker exists
    container = PostgresContainer("postgres:15", driver="psycopg")
    container.start()
    os.environ["TEST_PG_URL"] = container.get_connection_url()
    return os.environ["TEST_PG_URL"]


@contextlib.contextmanager
def throwaway_database(name: str) -> Iterator[str]:
    """Creates (dropping any leftover) database `name`; yields its URL; drops it afterwards.
    With DROPIN_TEST_SLOT set, the name gets the slot's suffix, so checkouts can test side by side."""
    slot = os.environ.get("DROPIN_TEST_SLOT", "")
    if slot not in ("", "0"):
        name = f"{name}_s{slot}"
    admin = sa.create_engine(admin_pg_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def migrated_database(name: str, migrations_dir) -> Iterator[str]:
    """`throwaway_database(name)` brought to the service's current schema by its Alembic migrations."""
    from .migrations import upgrade_to_head

    with throwaway_database(name) as url:
        upgrade_to_head(migrations_dir, url)
        yield url


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True).stdout


@contextlib.contextmanager
def throwaway_vhost(prefix: str) -> Iterator[str]:
    """A fresh vhost on the local RabbitMQ (needs `rabbitmqctl`, i.e. root); yields its AMQP URL."""
    host = os.environ.get("TEST_AMQP_HOST", "127.0.0.1")
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield f"amqp://guest:guest@{host}:5672/{quote(vhost, safe='')}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            rabbitmqctl("delete_vhost", vhost)


def close_vhost_connections(amqp_url: str) -> None:
    """Cuts every client connection of the URL's vhost, as a broker restart or network fault would."""
    vhost = pika.URLParameters(amqp_url).virtual_host
    rabbitmqctl("close_all_connections", "--vhost", vhost, "test: cut connections")


def bind_probe_queue(amqp_url: str, exchange: str, routing_keys: list[str]) -> str:
    """A durable, non-exclusive queue bound to `routing_keys`, to see what was published."""
    name = f"probe-{uuid.uuid4().hex[:8]}"
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
        channel.queue_declare(queue=name, durable=True)
        for key in routing_keys:
            channel.queue_bind(queue=name, exchange=exchange, routing_key=key)
    finally:
        connection.close()
    return name


def drain_queue(amqp_url: str, queue: str, *, expect: int, timeout: float = 10.0) -> list[dict]:
    """Collects messages from `queue` until `expect` arrived and the queue stays empty briefly."""
    received: list[dict] = []
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        deadline = time.monotonic() + timeout
        quiet_until = None
        while time.monotonic() < deadline:
            method, _props, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                if len(received) >= expect:
                    quiet_until = quiet_until or time.monotonic() + 0.3
                    if time.monotonic() >= quiet_until:
                        break
                time.sleep(0.02)
                continue
            received.append(json.loads(body))
    finally:
        connection.close()
    return received


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class TokenFactory:
    """Signs JWTs the way the auth service does, with a key made for the test session, so services
    other than auth can be tested without it. `public_pem` goes into the service's settings."""

    def __init__(self):
        self._private_key = Ed25519PrivateKey.generate()
        self.public_pem = self._private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def issue(self, account_id: str, role: str = "dealer", organization_id: str | None = None, *,
              ttl_seconds: float = 3600, issued_at: float | None = None, **claims) -> str:
        now = time.time() if issued_at is None else issued_at
        payload = {"sub": account_id, "role": role, "org": organization_id, "jti": uuid.uuid4().hex,
                   "iat": now, "exp": now + ttl_seconds, "aud": JWT_AUDIENCE, "iss": JWT_ISSUER, **claims}
        return jwt.encode(payload, self._private_key, algorithm=JWT_ALGORITHM)


# Older than anything a test seeds on purpose, so a test's own account snapshot always wins.
KNOWN_ACCOUNT_UPDATED_AT = "2000-01-01T00:00:00+00:00"


def known_account(engine, accounts: sa.Table, account_id: str, role: str = "dealer",
                  organization_id: str | None = None, status: str = "active") -> None:
    """Makes a service's accounts replica know the account a test token names (services refuse
    tokens of accounts they never heard of). Leaves a row the test wrote itself untouched."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    values = {"id": account_id, "role": role, "status": status, "organization_id": organization_id,
              "account_status": "offline", "updated_at": KNOWN_ACCOUNT_UPDATED_AT}
    values = {key: value for key, value in values.items() if key in accounts.c}
    with engine.begin() as conn:
        conn.execute(pg_insert(accounts).values(**values).on_conflict_do_nothing(index_elements=["id"]))


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile, as the benchmark scripts print it (p95: fraction=0.95)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def documented_api(client) -> dict:
    """The service's `/openapi.json`, checked: a valid OpenAPI 3 document in which every route
    the app serves is documented. Returns the document for further assertions."""
    from openapi_spec_validator import validate

    from .api import CamelCasePaths
    response = client.get("/openapi.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    document = response.get_json()
    validate(document)
    operators = {"static", "healthz", "readyz", "metrics", "openapi"}  # not the API
    served = {f"{method} {CamelCasePaths.flaskpath2openapi(rule.rule)}"
              for rule in client.application.url_map.iter_rules()
              if rule.endpoint.rsplit(".", 1)[-1] not in operators
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    documented = {f"{method.upper()} {path}" for path, item in document["paths"].items()
                  for method in item if method != "parameters"}
    assert served - documented == set(), "routes without OpenAPI docs"
    return document


def schema_differences(engine, metadata) -> list:
    """What Alembic's autogenerate would change to make the migrated database match `metadata`
    (the tables the adapters use): empty when the migrations and the code agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    return [d for d in differences if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
