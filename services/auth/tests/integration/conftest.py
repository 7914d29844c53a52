"""Real PostgreSQL (a throwaway `auth_it` database, migrated with Alembic) and a throwaway
RabbitMQ vhost. Every test starts from empty tables."""
from __future__ import annotations

from pathlib import Path

import argon2
import pytest
import sqlalchemy as sa
from alembic.config import Config

from dropin_auth.adapters.keys import write_key_pair
from dropin_auth.adapters.passwords import Argon2PasswordHasher
from dropin_auth.adapters.tables import metadata
from dropin_auth.bootstrap import Container, bootstrap
from dropin_auth.settings import AuthSettings
from dropin_common.config import CommonSettings
from dropin_common.testing_fixtures import *  # noqa: F403 - the shared fixtures, found by name
from dropin_common.testing_fixtures import ServiceUnderTest
from dropin_common.topology import AUTH_QUEUE

EXCHANGE = "dropin.events.auth-it"
SERVICE_DIR = Path(__file__).parents[2]


MIGRATIONS = SERVICE_DIR / "dropin_auth/adapters/migrations"


def alembic_config(url: str) -> Config:
    """For the tests that walk the migrations up and down themselves."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("auth", MIGRATIONS, exchange=EXCHANGE, queue=AUTH_QUEUE)


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    write_key_pair(directory)
    return directory


@pytest.fixture(scope="session")
def settings(database_url, amqp_url, key_dir) -> AuthSettings:
    common = CommonSettings(service="auth", database_url=database_url, amqp_url=amqp_url,
                            event_exchange=EXCHANGE, jwt_public_key=(key_dir / "jwt_ed25519.pub.pem").read_text(),
                            max_body_bytes=64 * 1024)
    return AuthSettings(common=common, private_key_file=str(key_dir / "jwt_ed25519.pem"),
                        login_max_failures=3, login_max_identifier_failures=6, login_window_seconds=300)


@pytest.fixture(scope="session")
def fast_hasher() -> Argon2PasswordHasher:
    """The real argon2 adapter with cheap parameters, so a suite of logins stays quick."""
    return Argon2PasswordHasher(argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def session_container(settings, fast_hasher) -> Container:
    container = bootstrap(settings, hasher=fast_hasher)
    yield container
    container.engine.dispose()


@pytest.fixture
def container(session_container) -> Container:
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with session_container.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables}"))
    return session_container


@pytest.fixture
def engine(container):
    return container.engine

