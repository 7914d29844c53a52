"""The one place that reads configuration and wires adapters to use cases. Every entrypoint
(gunicorn app, consumer, relay, CLI) and the integration tests build their dependencies here."""
from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from pathlib import Path


from dropin_common.auth import TokenVerifier, sql_token_verifier
from dropin_common.broker import ConfirmingPublisher
from dropin_common.config import CommonSettings, ConfigError, read_key_file
from dropin_common.consumer import Consumer, service_consumer
from dropin_common.db import make_engine
from dropin_common.outbox import BROKER_DESTINATION, BrokerSink, OutboxRelay
from dropin_common.topology import AUTH_QUEUE

from . import ports
from .adapters.clock import SystemClock
from .adapters.event_handlers import event_handlers
from .adapters.keys import public_key_of, write_key_pair
from .adapters.passwords import Argon2PasswordHasher
from .adapters.repositories import SqlAuthUnitOfWork
from .adapters.tables import accounts as accounts_table
from .adapters.tables import messaging
from .adapters.tokens import JwtTokenIssuer
from .domain.login_attempts import LoginThrottle
from .settings import AuthSettings
from .use_cases.sessions import Credentials


class Container:
    """Settings, engine, tables, and a factory per process (see dropin_common.process)."""
    DESTINATIONS = (BROKER_DESTINATION,)

    def __init__(self, settings: AuthSettings, hasher: ports.PasswordHasher | None = None,
                 clock: ports.Clock | None = None):
        self.settings = settings
        self.engine = make_engine(settings.common.database_url)
        self.tables = messaging
        self.clock = clock or SystemClock()
        self._hasher = hasher
        self.throttle = LoginThrottle(max_failures=settings.login_max_failures,
                                      max_identifier_failures=settings.login_max_identifier_failures,
                                      window=timedelta(seconds=settings.login_window_seconds))

    @property
    def common(self) -> CommonSettings:
        return self.settings.common

    def uow(self) -> ports.UnitOfWork:
        return SqlAuthUnitOfWork(self.engine)

    def reader(self) -> ports.UnitOfWork:
        """For use cases that only read: no transaction around them, and commit() refuses."""
        return SqlAuthUnitOfWork(self.engine, reading=True)

    @cached_property
    def hasher(self) -> ports.PasswordHasher:
        return self._hasher or Argon2PasswordHasher()

    # Keys are read on first use, so commands that sign nothing (create-admin) need none.
    @cached_property
    def private_key(self) -> str:
        if not self.settings.private_key_file:
            raise ConfigError("auth: JWT_PRIVATE_KEY_FILE is not set (`python -m dropin_auth.entrypoints.cli "
                              "generate-keys --out DIR` writes a key pair).")
        pem = read_key_file(self.settings.private_key_file, "JWT_PRIVATE_KEY_FILE")
        try:
            public_key_of(pem)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"JWT_PRIVATE_KEY_FILE={self.settings.private_key_file} is not a PEM private key: "
                              f"{exc}") from exc
        return pem

    @cached_property
    def public_key(self) -> str:
        return self.settings.common.jwt_public_key or public_key_of(self.private_key)

    @cached_property
    def issuer(self) -> ports.TokenIssuer:
        return JwtTokenIssuer(self.private_key, self.settings.token_ttl_seconds)

    @cached_property
    def verifier(self) -> TokenVerifier | None:
        # Auth's accounts table is the source the other replicas copy: nothing to wait for.
        return sql_token_verifier(self.public_key, self.engine, messaging, accounts=accounts_table,
                                  replica_wait_seconds=0.0)

    @property
    def credentials(self) -> Credentials:
        return Credentials(hasher=self.hasher, issuer=self.issuer, clock=self.clock, throttle=self.throttle)

    def consumer(self) -> Consumer:
        return service_consumer(self.common, self.engine, self.tables, AUTH_QUEUE, event_handlers(self.clock))

    def relay(self, destination: str) -> OutboxRelay:
        if destination != BROKER_DESTINATION:
            raise ConfigError(f"auth has no outbox destination {destination!r}; use {BROKER_DESTINATION}")
        publisher = ConfirmingPublisher(self.common.amqp_url, self.common.event_exchange)
        return OutboxRelay(self.engine, self.tables["outbox"], destination, BrokerSink(publisher),
                           retention=self.common.outbox_retention(destination))


def bootstrap(settings: AuthSettings | None = None, *, hasher: ports.PasswordHasher | None = None,
              clock: ports.Clock | None = None, signing: bool = True) -> Container:
    """`signing`: the process signs and verifies tokens (the web app), so its keys are read now and
    a missing or unreadable one stops the start; commands and the consumer and relay need none."""
    container = Container(settings or AuthSettings.from_env(), hasher=hasher, clock=clock)
    if signing:
        _ = container.public_key, container.private_key
    return container


def generate_signing_keys(directory: str, public_directory: str | None = None) -> tuple[Path, Path, bool]:
    """Needs no configuration: it makes the keys the configuration will point at."""
    return write_key_pair(Path(directory), Path(public_directory) if public_directory else None)
