"""`python -m dropin_streams.entrypoints.consumer`: the organizations/accounts replica and the
token revocation list, fed by auth's events."""
from __future__ import annotations

from sqlalchemy.engine import Connection

from dropin_common import events
from dropin_common.auth import revocation_handler
from dropin_common.consumer import Consumer, Handler, run_consumer, service_consumer
from dropin_common.events import Event
from dropin_common.topology import STREAMS_QUEUE

from ..adapters.repositories import SqlAccountRepository, SqlOrganizationRepository
from ..bootstrap import Container, bootstrap
from ..use_cases.replica import apply_account, apply_organization

QUEUE = STREAMS_QUEUE  # its bindings: dropin_common.topology


def handlers(container: Container) -> dict[str, Handler]:
    tables = container.tables

    def organization_changed(event: Event, conn: Connection) -> None:
        apply_organization(SqlOrganizationRepository(conn, tables), event.data)

    def account_changed(event: Event, conn: Connection) -> None:
        apply_account(SqlAccountRepository(conn, tables), event.data)

    return {
        events.ORGANIZATION_CREATED: organization_changed,
        events.ORGANIZATION_UPDATED: organization_changed,
        events.ACCOUNT_REGISTERED: account_changed,
        events.ACCOUNT_UPDATED: account_changed,
        events.ACCOUNT_PRESENCE_CHANGED: account_changed,
        events.ACCOUNT_TOKENS_REVOKED: revocation_handler(tables),
    }


def build_consumer(container: Container) -> Consumer:
    return service_consumer(container.settings.common, container.engine, container.tables, QUEUE,
                            handlers(container))


def main() -> None:
    run_consumer(build_consumer(bootstrap()))


if __name__ == "__main__":
    main()
