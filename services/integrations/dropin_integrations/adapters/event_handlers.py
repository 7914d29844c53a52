"""Integrations' handler table: (event type, version) -> use case, each on the consumer's
transaction (which also records the event in the inbox), so a delivery is planned exactly once
however often the broker hands us the event."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dropin_common.auth import revocation_handler
from dropin_common.consumer import Handlers
from dropin_common.contracts.auth import (ACCOUNT_EVENTS, ORGANIZATION_EVENTS, AccountTokensRevoked,
                                          OrganizationEvent)
from dropin_common.contracts.streams import STREAM_EVENTS, LeadCreated, StreamEvent
from dropin_common.principals import account_standing_handler

from ..use_cases.plan_deliveries import DeliverySettings, on_lead_created, on_organization, on_stream
from .repositories import ConnectionStores


def event_handlers(tables: dict[str, sa.Table], settings: DeliverySettings) -> Handlers:
    def stores(conn: Connection) -> ConnectionStores:
        return ConnectionStores(conn, tables)

    def stream(event: StreamEvent, conn: Connection) -> None:
        on_stream(event.stream, event.occurred_at, stores(conn), settings)

    def lead(event: LeadCreated, conn: Connection) -> None:
        on_lead_created(event.lead, event.occurred_at, stores(conn), settings)

    def organization(event: OrganizationEvent, conn: Connection) -> None:
        on_organization(event.organization, stores(conn), settings)

    # The accounts replica every service judges callers by (dropin_common.principals).
    account = account_standing_handler(tables["accounts"])
    return {**{contract.key(): stream for contract in STREAM_EVENTS},
            **{contract.key(): organization for contract in ORGANIZATION_EVENTS},
            **{contract.key(): account for contract in ACCOUNT_EVENTS},
            LeadCreated.key(): lead, AccountTokensRevoked.key(): revocation_handler(tables)}
