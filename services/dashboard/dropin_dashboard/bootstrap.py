"""The one place that reads configuration and wires the dashboard's adapters.

Every process (web, consumer, CLI) and the tests call `bootstrap()`; nothing is opened at import.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dropin_common.auth import TokenVerifier, sql_token_verifier
from dropin_common.broker import QueueSpec
from dropin_common.config import CommonSettings, ConfigError, refuse_development_secrets
from dropin_common.consumer import Consumer, service_consumer
from dropin_common.db import make_engine
from dropin_common.outbox import OutboxRelay
from dropin_common.progress import record_progress
from dropin_common.topology import DASHBOARD_ACCOUNTS_QUEUE, DASHBOARD_QUEUE

from .adapters.call_figures import SqlCallReports
from .adapters.csv_export import PostgresCsvExporter
from .adapters.event_handlers import event_handlers
from .adapters.maintenance import SqlReadModelMaintenance
from .adapters.projection_store import SqlProjectionStore
from .adapters.read_models import SqlReadModels
from .adapters.tables import build_tables
from .ports import CallReports, CsvExporter, ProjectionStore, ReadModelMaintenance, ReadModels

SERVICE = "dashboard"


@dataclass
class Container:
    """Settings, engine, tables, and a factory per process (see dropin_common.process). The
    dashboard publishes nothing: no outbox destinations."""
    DESTINATIONS: ClassVar[tuple[str, ...]] = ()

    settings: CommonSettings
    engine: Engine
    tables: dict[str, sa.Table]
    read_models: ReadModels
    call_reports: CallReports
    exporter: CsvExporter
    maintenance: ReadModelMaintenance
    verifier: TokenVerifier | None  # None only for operator commands (bootstrap(verifying=False))

    @property
    def common(self) -> CommonSettings:
        return self.settings

    def projection_store(self, connection: Connection) -> ProjectionStore:
        return SqlProjectionStore(connection, self.tables)

    def consumer(self) -> Consumer:
        """The stream, lead and organization projections (queue `dashboard`)."""
        return self._consumer(DASHBOARD_QUEUE)

    def accounts_consumer(self) -> Consumer:
        """The accounts replica and the revocation list every token check reads (`dashboard-accounts`)."""
        return self._consumer(DASHBOARD_ACCOUNTS_QUEUE)

    def _consumer(self, queue: QueueSpec) -> Consumer:
        # Both take every event type: what an older release routed to the other queue is still applied.
        return service_consumer(self.common, self.engine, self.tables, queue, event_handlers(self.projection_store),
                                on_applied=record_progress(self.tables["consumer_progress"], queue.name))

    def relay(self, destination: str) -> OutboxRelay:
        raise ConfigError(f"the dashboard publishes nothing: no outbox destination {destination!r}")


def bootstrap(settings: CommonSettings | None = None, *, engine: Engine | None = None,
              verifying: bool = True, reporting: bool = True) -> Container:
    """`verifying`: the process accepts tokens, so the JWT public key is required now (operator
    commands, which answer no requests, pass False). `reporting`: the process answers reports
    (the consumers, which only write, pass False)."""
    if settings is None:
        settings = CommonSettings.from_env(SERVICE)
        if verifying:
            refuse_development_secrets(SERVICE, {"JWT_PUBLIC_KEY_FILE": settings.jwt_public_key})
    # No JIT: a list filtered by a VIN or phone substring (10M calls) spent 37 ms compiling a
    # 27 ms query, a leaderboard 20-50 ms; the CSV exports, long scans, turn it back on. Custom
    # plans: the same report statement serves filters of any selectivity (see make_engine). Not
    # for the consumers: their statements look up records by key, and planning each run again cost
    # 4.9 against 2.8 ms of PostgreSQL CPU per stream request (tools/bench_consumers.py).
    engine = engine or make_engine(settings.database_url, jit=False, custom_plans=reporting)
    _metadata, tables = build_tables()
    verifier = sql_token_verifier(settings.public_key(), engine, tables, accounts=tables["dealers"],
                                  replica_wait_seconds=settings.replica_wait_seconds) if verifying else None
    return Container(settings=settings, engine=engine, tables=tables,
                     read_models=SqlReadModels(engine, tables), call_reports=SqlCallReports(engine, tables),
                     exporter=PostgresCsvExporter(engine, tables),
                     maintenance=SqlReadModelMaintenance(engine, tables), verifier=verifier)
