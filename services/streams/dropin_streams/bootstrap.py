"""The one place that reads configuration and wires adapters; every process starts here."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar
from datetime import datetime, timedelta

import sqlalchemy as sa
from pusher_push_notifications import PushNotifications
from sqlalchemy.engine import Engine

from dropin_common.auth import TokenVerifier, sql_token_verifier
from dropin_common.broker import ConfirmingPublisher
from dropin_common.config import (CommonSettings, ConfigError, PusherSettings, env_float, env_int, env_str,
                                  refuse_development_secrets)
from dropin_common.consumer import Consumer, service_consumer
from dropin_common.db import make_engine
from dropin_common.outbox import BROKER_DESTINATION, BrokerSink, OutboxRelay, Sink
from dropin_common.ports import PUSHER_DESTINATION
from dropin_common.pusher_sink import PusherSink, pusher_client
from dropin_common.smtp_sink import SmtpSink
from dropin_common.timeutil import utcnow
from dropin_common.topology import STREAMS_QUEUE

from .adapters.beams import BeamsSettings, BeamsSink, NoPushSink, beams_client
from .adapters.event_handlers import event_handlers
from .adapters.pusher_channels import PusherChannelSigner
from .adapters.repositories import StreamsUnitOfWork
from .adapters.tables import build_tables
from .adapters.vin_decoder import VininfoDecoder
from .domain.availability import Presence
from .ports import ChannelSigner, UnitOfWork, VinDecoder
from .use_cases.request_stream import Ringing

SERVICE = "streams"
log = logging.getLogger("dropin.streams")


@dataclass(frozen=True)
class StreamsSettings:
    common: CommonSettings
    pusher: PusherSettings
    ring_timeout: timedelta = timedelta(seconds=60)
    ping_timeout: timedelta = timedelta(seconds=30)
    worker_poll_seconds: float = 1.0
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "no-reply@dropin.local"
    # How long a request waits for the replica to catch up with auth before refusing.
    replica_grace_seconds: float = 2.0
    # A dealer online without a ping for this long no longer rings (nor counts as online).
    presence_timeout: timedelta = timedelta(seconds=120)
    beams: BeamsSettings = BeamsSettings(None, None)
    # How many requests per process may wait for the replica at once; the others get a retryable 503.
    replica_waiters: int = 2

    @classmethod
    def from_env(cls) -> StreamsSettings:
        common = CommonSettings.from_env(SERVICE)
        refuse_development_secrets(SERVICE, {"JWT_PUBLIC_KEY_FILE": common.jwt_public_key})
        return cls(
            common=common,
            pusher=PusherSettings.from_env(),
            ring_timeout=timedelta(seconds=env_int("STREAM_RING_TIMEOUT_SECONDS", 60)),
            ping_timeout=timedelta(seconds=env_int("STREAM_PING_TIMEOUT_SECONDS", 30)),
            worker_poll_seconds=env_float("STREAM_WORKER_POLL_SECONDS", 1.0),
            smtp_host=env_str("SMTP_HOST", "127.0.0.1"),
            smtp_port=env_int("SMTP_PORT", 8025),
            mail_from=env_str("MAIL_FROM", "no-reply@dropin.local"),
            replica_grace_seconds=env_float("REPLICA_GRACE_SECONDS", 2.0),
            presence_timeout=timedelta(seconds=env_int("PRESENCE_TIMEOUT_SECONDS", 120)),
            beams=BeamsSettings.from_env(),
            replica_waiters=env_int("REPLICA_WAITERS", 2),
        )

    @property
    def ringing(self) -> Ringing:
        return Ringing(ring_timeout=self.ring_timeout, presence=Presence(self.presence_timeout))


@dataclass
class Container:
    """Settings, engine, tables, and a factory per process (see dropin_common.process)."""
    DESTINATIONS: ClassVar[tuple[str, ...]] = (BROKER_DESTINATION, PUSHER_DESTINATION, "beams", "email")

    settings: StreamsSettings
    engine: Engine
    tables: dict[str, sa.Table]
    verifier: TokenVerifier
    signer: ChannelSigner
    decoder: VinDecoder
    beams: PushNotifications | None = None  # None: pushes are off
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def common(self) -> CommonSettings:
        return self.settings.common

    def uow(self) -> UnitOfWork:
        return StreamsUnitOfWork(self.engine, self.tables)

    def reader(self) -> UnitOfWork:
        """For use cases that only read: no transaction around them, and commit() refuses."""
        return StreamsUnitOfWork(self.engine, self.tables, reading=True)

    def consumer(self) -> Consumer:
        return service_consumer(self.common, self.engine, self.tables, STREAMS_QUEUE, event_handlers(self.tables))

    def relay(self, destination: str) -> OutboxRelay:
        return OutboxRelay(self.engine, self.tables["outbox"], destination, sink_for(destination, self.settings),
                           retention=self.common.outbox_retention(destination))


def sink_for(destination: str, settings: StreamsSettings) -> Sink:
    if destination == BROKER_DESTINATION:
        return BrokerSink(ConfirmingPublisher(settings.common.amqp_url, settings.common.event_exchange))
    if destination == PUSHER_DESTINATION:
        return PusherSink(pusher_client(settings.pusher))
    if destination == "beams":
        client = beams_client(settings.beams)
        if client is None:
            log.warning("push notifications are off (no BEAMS_INSTANCE_ID / BEAMS_SECRET_KEY): "
                        "push rows are marked handled without being sent")
            return NoPushSink()
        return BeamsSink(client)
    if destination == "email":
        return SmtpSink(settings.smtp_host, settings.smtp_port)
    raise ConfigError(f"streams has no outbox destination {destination!r}; use {', '.join(Container.DESTINATIONS)}")


def bootstrap(settings: StreamsSettings | None = None, *, pool_size: int = 5) -> Container:
    settings = settings or StreamsSettings.from_env()
    engine = make_engine(settings.common.database_url, pool_size=pool_size)
    _metadata, tables = build_tables()
    verifier = sql_token_verifier(settings.common.public_key(), engine, tables, accounts=tables["accounts"],
                                  replica_wait_seconds=settings.replica_grace_seconds)
    if not settings.beams.enabled:
        log.warning("push notifications are off: BEAMS_INSTANCE_ID and BEAMS_SECRET_KEY are not set")
    return Container(settings=settings, engine=engine, tables=tables, verifier=verifier,
                     signer=PusherChannelSigner.from_settings(settings.pusher), decoder=VininfoDecoder(),
                     beams=beams_client(settings.beams))
