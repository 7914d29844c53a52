"""The one place that reads configuration and wires adapters into the use cases.

Every process (HTTP app, consumer, the email and webhook relays) and the tests build their
objects here, so nothing connects at import time and tests swap pieces by passing settings.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dropin_common.auth import sql_token_verifier
from dropin_common.config import CommonSettings, ConfigError, env_float, env_int, env_str, is_production
from dropin_common.consumer import Consumer, EventProcessor, service_consumer
from dropin_common.db import make_engine
from dropin_common.outbox import OutboxRelay, Sink
from dropin_common.smtp_sink import SmtpSink
from dropin_common.timeutil import utcnow
from dropin_common.topology import INTEGRATIONS_QUEUE

from .adapters.event_handlers import event_handlers
from .adapters.repositories import SqlIntegrationsUnitOfWork
from .adapters.tables import integrations_tables
from .adapters.webhook_sink import WebhookSink
from .domain.deliveries import EMAIL, WEBHOOK
from .domain.retry import backoff_for
from .use_cases.plan_deliveries import DeliverySettings

SERVICE = "integrations"
QUEUE = INTEGRATIONS_QUEUE  # its bindings: dropin_common.topology
DESTINATIONS = (EMAIL, WEBHOOK)


@dataclass(frozen=True)
class IntegrationsSettings:
    common: CommonSettings
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    # production: webhooks only to https URLs on public addresses; development: also http to loopback.
    production: bool = True
    webhook_timeout_seconds: float = 10.0
    retry_window: timedelta = timedelta(hours=24)  # failing deliveries are retried at least this long
    delivery_retention: timedelta = timedelta(days=30)  # sent deliveries stay in the log this long
    replica_wait_seconds: float = 2.0  # how long a request waits for a just-created organization

    @classmethod
    def from_env(cls) -> IntegrationsSettings:
        return cls(
            common=CommonSettings.from_env(SERVICE),
            delivery=DeliverySettings(mail_from=env_str("MAIL_FROM", "no-reply@dropin.local"),
                                      dashboard_url=env_str("DASHBOARD_URL", "http://localhost:3000")),
            smtp_host=env_str("SMTP_HOST", "127.0.0.1"), smtp_port=env_int("SMTP_PORT", 8025),
            production=is_production(),  # APP_ENV, the project's one production switch
            webhook_timeout_seconds=env_float("WEBHOOK_TIMEOUT_SECONDS", 10.0),
            retry_window=timedelta(hours=env_int("DELIVERY_RETRY_HOURS", 24)),
            delivery_retention=timedelta(days=env_int("DELIVERY_RETENTION_DAYS", 30)),
        )


@dataclass
class Container:
    """Settings, engine, tables, and a factory per process (see dropin_common.process). Its outbox
    is the deliveries table: one destination per channel."""
    DESTINATIONS: ClassVar[tuple[str, ...]] = DESTINATIONS

    settings: IntegrationsSettings
    engine: Engine
    tables: dict[str, sa.Table]
    now: Callable[[], datetime] = field(default=utcnow)

    def __post_init__(self) -> None:
        self.verifier = sql_token_verifier(self.settings.common.public_key(), self.engine, self.tables,
                                           accounts=self.tables["accounts"])

    @property
    def common(self) -> CommonSettings:
        return self.settings.common

    def uow(self) -> SqlIntegrationsUnitOfWork:
        return SqlIntegrationsUnitOfWork(self.engine, self.tables)

    def wait_for(self, condition: Callable[[], bool]) -> bool:
        """Polls `condition` for up to replica_wait_seconds (events from auth may still be in flight)."""
        deadline = time.monotonic() + self.settings.replica_wait_seconds
        while not condition():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def event_processor(self) -> EventProcessor:
        """What the consumer does with each event (inbox + handler on one transaction)."""
        return EventProcessor(self.engine, self.tables["inbox"], event_handlers(self.tables, self.settings.delivery))

    def consumer(self) -> Consumer:
        return service_consumer(self.settings.common, self.engine, self.tables, QUEUE,
                                event_handlers(self.tables, self.settings.delivery))

    def relay(self, destination: str) -> OutboxRelay:
        """Deliveries are the relay's queue; each keeps its retry window, then is set aside."""
        # Small webhook batches: a batch's rows stay locked while slow endpoints are called.
        return OutboxRelay(self.engine, self.tables["deliveries"], destination, self.sink(destination),
                           batch_size=10 if destination == WEBHOOK else 100,
                           retention=self.settings.delivery_retention,
                           backoff=backoff_for(self.settings.retry_window), keep_order=False)

    def sink(self, destination: str) -> Sink:
        settings = self.settings
        if destination == EMAIL:
            return SmtpSink(settings.smtp_host, settings.smtp_port)
        if destination == WEBHOOK:
            return WebhookSink(production=settings.production, timeout=settings.webhook_timeout_seconds)
        raise ConfigError(f"integrations has no delivery destination {destination!r}; "
                          f"use {' or '.join(DESTINATIONS)}")


def bootstrap(settings: IntegrationsSettings | None = None) -> Container:
    settings = settings or IntegrationsSettings.from_env()
    return Container(settings=settings, engine=make_engine(settings.common.database_url),
                     tables=integrations_tables())
