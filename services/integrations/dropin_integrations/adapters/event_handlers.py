"""Consumer handlers: each runs on the transaction that also records the event in the inbox, so a
delivery is planned exactly once however often the broker hands us the event."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dropin_common.auth import revocation_handler
from dropin_common.consumer import Handler
from dropin_common.principals import account_standing_handler
from dropin_common.events import (ACCOUNT_PRESENCE_CHANGED, ACCOUNT_REGISTERED, ACCOUNT_TOKENS_REVOKED,
                                  ACCOUNT_UPDATED, LEAD_CREATED, ORGANIZATION_CREATED, ORGANIZATION_UPDATED,
                                  STREAM_ACCEPTED, STREAM_NOTED, STREAM_REQUESTED, STREAM_STOPPED, Event)

from ..use_cases.plan_deliveries import DeliverySettings, on_lead_created, on_organization, on_stream
from .repositories import ConnectionStores

STREAM_EVENTS = (STREAM_REQUESTED, STREAM_ACCEPTED, STREAM_STOPPED, STREAM_NOTED)
ACCOUNT_EVENTS = (ACCOUNT_REGISTERED, ACCOUNT_UPDATED, ACCOUNT_PRESENCE_CHANGED)
ORGANIZATION_EVENTS = (ORGANIZATION_CREATED, ORGANIZATION_UPDATED)


def event_handlers(tables: dict[str, sa.Table], settings: DeliverySettings) -> dict[str, Handler]:
    def stores(conn: Connection) -> ConnectionStores:
        return ConnectionStores(conn, tables)

    def stream(event: Event, conn: Connection) -> None:
        on_stream(event.data["stream"], event.occurred_at, stores(conn), settings)

    def lead(event: Event, conn: Connection) -> None:
        on_lead_created(event.data["lead"], event.occurred_at, stores(conn), settings)

    def organization(event: Event, conn: Connection) -> None:
        on_organization(event.data["organization"], stores(conn), settings)

    handlers: dict[str, Handler] = {event_type: stream for event_type in STREAM_EVENTS}
    handlers.update({event_type: organization for event_type in ORGANIZATION_EVENTS})
    # The accounts replica every service judges callers by (dropin_common.principals).
    handlers.update({event_type: account_standing_handler(tables["accounts"]) for event_type in ACCOUNT_EVENTS})
    handlers[LEAD_CREATED] = lead
    handlers[ACCOUNT_TOKENS_REVOKED] = revocation_handler(tables)
    return handlers
