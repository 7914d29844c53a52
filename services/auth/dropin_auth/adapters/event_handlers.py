"""Auth's handler table: (event type, version) -> use case, each on the consumer's transaction
(which also records the event in the inbox). Streams reports dealers who went silent; auth owns
`accountStatus`, so it switches them offline and publishes the change."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from dropin_common.consumer import Handlers
from dropin_common.contracts.streams import DealerPresenceLapsed

from ..ports import Clock
from ..use_cases.presence import lapse_presence
from .repositories import BoundAuthUnitOfWork


def event_handlers(clock: Clock) -> Handlers:
    def presence_lapsed(event: DealerPresenceLapsed, conn: Connection) -> None:
        lapse_presence(BoundAuthUnitOfWork(conn), clock, event)

    return {DealerPresenceLapsed.key(): presence_lapsed}
