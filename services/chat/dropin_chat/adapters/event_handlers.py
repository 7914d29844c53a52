"""Consumer handlers: each runs on the transaction that also records the event in the inbox."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dropin_common.auth import revocation_handler
from dropin_common.consumer import Handler
from dropin_common.events import (ACCOUNT_PRESENCE_CHANGED, ACCOUNT_REGISTERED, ACCOUNT_TOKENS_REVOKED,
                                  ACCOUNT_UPDATED, STREAM_ACCEPTED, STREAM_NOTED, STREAM_REQUESTED,
                                  STREAM_STOPPED, Event)
from dropin_common.principals import account_standing_handler

from ..use_cases.replicate_streams import apply_stream_event
from .repositories import SqlStreamReplicaWriter

STREAM_EVENTS = (STREAM_REQUESTED, STREAM_ACCEPTED, STREAM_STOPPED, STREAM_NOTED)
ACCOUNT_EVENTS = (ACCOUNT_REGISTERED, ACCOUNT_UPDATED, ACCOUNT_PRESENCE_CHANGED)


def event_handlers(tables: dict[str, sa.Table]) -> dict[str, Handler]:
    def on_stream_event(event: Event, conn: Connection) -> None:
        apply_stream_event(event, SqlStreamReplicaWriter(conn, tables))

    handlers: dict[str, Handler] = {event_type: on_stream_event for event_type in STREAM_EVENTS}
    handlers[ACCOUNT_TOKENS_REVOKED] = revocation_handler(tables)
    on_account_event = account_standing_handler(tables["accounts"])
    handlers.update({event_type: on_account_event for event_type in ACCOUNT_EVENTS})
    return handlers
