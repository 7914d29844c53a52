"""Consumer handlers: each runs on the transaction that also records the event in the inbox."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dropin_common.auth import revocation_handler
from dropin_common.consumer import Handler
from dropin_common.events import (ACCOUNT_TOKENS_REVOKED, STREAM_ACCEPTED, STREAM_NOTED,
                                  STREAM_REQUESTED, STREAM_STOPPED, Event)

from ..use_cases.replicate_streams import apply_stream_event
from .repositories import SqlStreamReplicaWriter

STREAM_EVENTS = (STREAM_REQUESTED, STREAM_ACCEPTED, STREAM_STOPPED, STREAM_NOTED)


def event_handlers(tables: dict[str, sa.Table]) -> dict[str, Handler]:
    def on_stream_event(event: Event, conn: Connection) -> None:
        apply_stream_event(event, SqlStreamReplicaWriter(conn, tables))

    handlers: dict[str, Handler] = {event_type: on_stream_event for event_type in STREAM_EVENTS}
    handlers[ACCOUNT_TOKENS_REVOKED] = revocation_handler(tables)
    return handlers
