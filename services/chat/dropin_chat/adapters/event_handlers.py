"""Chat's handler table: (event type, version) -> use case, each on the consumer's transaction
(which also records the event in the inbox)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dropin_common.auth import revocation_handler
from dropin_common.consumer import Handlers
from dropin_common.contracts.auth import ACCOUNT_EVENTS, AccountTokensRevoked
from dropin_common.contracts.streams import STREAM_EVENTS, StreamEvent
from dropin_common.principals import account_standing_handler

from ..use_cases.replicate_streams import apply_stream_event
from .repositories import SqlStreamReplicaWriter


def event_handlers(tables: dict[str, sa.Table]) -> Handlers:
    def on_stream_event(event: StreamEvent, conn: Connection) -> None:
        apply_stream_event(event, SqlStreamReplicaWriter(conn, tables))

    on_account_event = account_standing_handler(tables["accounts"])
    return {**{contract.key(): on_stream_event for contract in STREAM_EVENTS},
            **{contract.key(): on_account_event for contract in ACCOUNT_EVENTS},
            AccountTokensRevoked.key(): revocation_handler(tables)}
