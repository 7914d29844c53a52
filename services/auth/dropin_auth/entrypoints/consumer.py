"""`python -m dropin_auth.entrypoints.consumer`: what auth learns from other services. Streams
reports dealers who went silent (dealer.presence_lapsed); auth owns `accountStatus`, so it switches
them offline and publishes the change."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from dropin_common import events
from dropin_common.consumer import Consumer, Handler, run_consumer, service_consumer
from dropin_common.events import Event
from dropin_common.timeutil import parse_iso
from dropin_common.topology import AUTH_QUEUE

from ..adapters.repositories import BoundAuthUnitOfWork
from ..adapters.tables import messaging
from ..bootstrap import Container, bootstrap
from ..use_cases.presence import lapse_presence

QUEUE = AUTH_QUEUE  # its bindings: dropin_common.topology


def handlers(container: Container) -> dict[str, Handler]:
    def presence_lapsed(event: Event, conn: Connection) -> None:
        last_seen_at = parse_iso(event.data["lastSeenAt"])
        if last_seen_at is None:
            raise ValueError("dealer.presence_lapsed without lastSeenAt")
        lapse_presence(BoundAuthUnitOfWork(conn), container.clock, str(event.data["accountId"]), last_seen_at)

    return {events.DEALER_PRESENCE_LAPSED: presence_lapsed}


def build_consumer(container: Container) -> Consumer:
    return service_consumer(container.settings.common, container.engine, messaging, QUEUE, handlers(container))


def main() -> None:
    run_consumer(build_consumer(bootstrap()))


if __name__ == "__main__":
    main()
