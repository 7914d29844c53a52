"""`python -m dropin_dashboard.entrypoints.consumer`: feeds the read models from integration events."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from dropin_common import events as ev
from dropin_common.broker import QueueSpec
from dropin_common.consumer import Consumer, Handler, run_consumer, service_consumer

from ..bootstrap import Container, bootstrap
from ..domain.records import Account, Lead, Organization, StreamSnapshot
from ..ports import ProjectionStore
from ..use_cases import projections

ACCOUNT_EVENTS = (ev.ACCOUNT_REGISTERED, ev.ACCOUNT_UPDATED, ev.ACCOUNT_PRESENCE_CHANGED)
ORGANIZATION_EVENTS = (ev.ORGANIZATION_CREATED, ev.ORGANIZATION_UPDATED)
STREAM_EVENTS = (ev.STREAM_REQUESTED, ev.STREAM_ACCEPTED, ev.STREAM_STOPPED, ev.STREAM_NOTED)
QUEUE = QueueSpec("dashboard", (*STREAM_EVENTS, ev.LEAD_CREATED, *ACCOUNT_EVENTS, *ORGANIZATION_EVENTS,
                                ev.ACCOUNT_TOKENS_REVOKED))


def event_handlers(store_for: Callable[[Connection], ProjectionStore]) -> dict[str, Handler]:
    """Event type -> handler on the consumer's transaction (payload parsed into domain records)."""
    def stream(event, conn):
        projections.apply_stream_snapshot(
            store_for(conn), StreamSnapshot.from_payload(event.data["stream"], event.data.get("dealersRung")))

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
                            event_handlers(container.projection_store))


def main() -> None:
    run_consumer(build_consumer(bootstrap()))


if __name__ == "__main__":
    main()
