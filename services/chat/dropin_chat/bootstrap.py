"""The one place that reads configuration and wires adapters into the use cases.

Every process (HTTP app, consumer, relays) and the tests build their objects here, so nothing
connects at import time and tests swap pieces by passing their own settings.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dropin_common.auth import sql_token_verifier
from dropin_common.broker import ConfirmingPublisher
from dropin_common.config import (CommonSettings, ConfigError, PusherSettings, env_int, env_str,
                                  refuse_development_secrets)
from dropin_common.consumer import Consumer, service_consumer
from dropin_common.db import make_engine
from dropin_common.outbox import BROKER_DESTINATION, BrokerSink, OutboxRelay, Sink
from dropin_common.ports import PUSHER_DESTINATION
from dropin_common.pusher_sink import PusherSink, pusher_client
from dropin_common.timeutil import utcnow
from dropin_common.topology import CHAT_QUEUE
from dropin_common.waiting import WaitSlots

from .adapters.event_handlers import event_handlers
from .adapters.repositories import SqlChatUnitOfWork, SqlStreamReplica
from .adapters.tables import chat_tables
from .use_cases.post_message import ChatPolicy
from .use_cases.waiting import ReplicaWait

SERVICE = "chat"
QUEUE = CHAT_QUEUE  # its bindings: dropin_common.topology


@dataclass(frozen=True)
class ChatSettings:
    common: CommonSettings
    stream_wait_seconds: float = 2.0
    # Requests per process that may wait for the replica at once; the others get a retryable 503.
    stream_waiters: int = 2
    ended_grace_seconds: int = 600
    pusher: PusherSettings | None = None  # read only by the pusher relay

    @classmethod
    def from_env(cls) -> ChatSettings:
        common = CommonSettings.from_env(SERVICE)
        refuse_development_secrets(SERVICE, {"JWT_PUBLIC_KEY_FILE": common.jwt_public_key})
        return cls(common=common,
                   stream_wait_seconds=_env_seconds("CHAT_STREAM_WAIT_SECONDS", 2.0),
                   stream_waiters=env_int("CHAT_STREAM_WAITERS", 2),
                   ended_grace_seconds=env_int("CHAT_ENDED_GRACE_SECONDS", 600))

    @property
    def policy(self) -> ChatPolicy:
        return ChatPolicy(replica_wait=ReplicaWait(timeout_seconds=self.stream_wait_seconds,
                                                      slots=WaitSlots(self.stream_waiters)),
                          ended_grace=timedelta(seconds=self.ended_grace_seconds))


def _env_seconds(name: str, default: float) -> float:
    raw = env_str(name, str(default))
    try:
        return max(0.0, float(raw))
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be a number of seconds, got {raw!r}") from exc


@dataclass
class Container:
    """Settings, engine, tables, and a factory per process (see dropin_common.process)."""
    DESTINATIONS: ClassVar[tuple[str, ...]] = (BROKER_DESTINATION, PUSHER_DESTINATION)

    settings: ChatSettings
    engine: Engine
    tables: dict[str, sa.Table]
    now: Callable[[], datetime] = field(default=utcnow)

    def __post_init__(self) -> None:
        self.policy = self.settings.policy
        self.replica = SqlStreamReplica(self.engine, self.tables)
        self.verifier = sql_token_verifier(self.settings.common.public_key(), self.engine, self.tables,
                                           accounts=self.tables["accounts"],
                                           replica_wait_seconds=self.settings.common.replica_wait_seconds)
        self._snapshot_engine = self.engine.execution_options(isolation_level="REPEATABLE READ")

    @property
    def common(self) -> CommonSettings:
        return self.settings.common

    def uow(self) -> SqlChatUnitOfWork:
        return SqlChatUnitOfWork(self.engine, self.tables)

    def snapshot_uow(self) -> SqlChatUnitOfWork:
        """For reads that must see one consistent state across several statements."""
        return SqlChatUnitOfWork(self._snapshot_engine, self.tables)

    def consumer(self) -> Consumer:
        return service_consumer(self.settings.common, self.engine, self.tables, QUEUE, event_handlers(self.tables))

    def relay(self, destination: str) -> OutboxRelay:
        return OutboxRelay(self.engine, self.tables["outbox"], destination, self._sink(destination),
                           retention=self.settings.common.outbox_retention(destination))

    def _sink(self, destination: str) -> Sink:
        common = self.settings.common
        if destination == BROKER_DESTINATION:
            return BrokerSink(ConfirmingPublisher(common.amqp_url, common.event_exchange))
        if destination == PUSHER_DESTINATION:
            return PusherSink(pusher_client(self.settings.pusher or PusherSettings.from_env()))
        raise ConfigError(f"chat has no outbox destination {destination!r}; "
                         f"use {BROKER_DESTINATION} or {PUSHER_DESTINATION}")


def bootstrap(settings: ChatSettings | None = None) -> Container:
    settings = settings or ChatSettings.from_env()
    return Container(settings=settings, engine=make_engine(settings.common.database_url),
                     tables=chat_tables())
