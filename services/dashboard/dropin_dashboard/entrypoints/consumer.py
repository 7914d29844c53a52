"""`python -m dropin_dashboard.entrypoints.consumer`: feeds the read models from integration events."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from dropin_common import events as ev
from dropin_common.consumer import Consumer, Handler, run_consumer, service_consumer
from dropin_common.progress import record_progress
from dropin_common.topology import ACCOUNT_EVENTS, DASHBOARD_QUEUE, ORGANIZATION_EVENTS, STREAM_EVENTS

from ..bootstrap import Container, bootstrap
from ..domain.records import Account, Lead, Organization, StreamSnapshot
from ..ports import ProjectionStore
from ..use_cases import projections

QUEUE = DASHBOARD_QUEUE  # its bindings: dropin_common.topology


def event_handlers(store_for: Callable[[Connection], ProjectionStore]) -> dict[str, Handler]:
    """Event type -> handler on the consumer's transaction (payload parsed into domain records)."""
    def stream(event, conn):
        projections.apply_stream_snapshot(store_for(conn), StreamSnapshot.from_payload(event.data["stream"]))

    def lead(event, conn):
        projections.apply_lead(store_for(conn), Lead.from_payload(event.data["lead"]))

    def account(event, conn):
        projections.apply_account(store_for(conn), Account.from_payload(event.data["account"]))

    def organization(event, conn):
        projections.apply_organization(store_for(conn), Organization.from_payload(event.data["organization"]))

    def revocation(event, conn):
        projections.apply_token_revocation(store_for(conn), event.data)

    return {**{name: stream for name in STREAM_EVENTS}, ev.LEAD_CREATED: lead,
            **{name: account for name in ACCOUNT_EVENTS},
            **{name: organization for name in ORGANIZATION_EVENTS},
            ev.ACCOUNT_TOKENS_REVOKED: revocation}


def build_consumer(container: Container) -> Consumer:
    return service_consumer(container.settings, container.engine, container.tables, QUEUE,
                            event_handlers(container.projection_store),
                            on_applied=record_progress(container.tables["consumer_progress"], QUEUE.name))


def main() -> None:
    run_consumer(build_consumer(bootstrap()))


if __name__ == "__main__":
    main()
