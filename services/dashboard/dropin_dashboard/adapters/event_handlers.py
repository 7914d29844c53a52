"""The dashboard's handler table: (event type, version) -> use case, each on the consumer's
transaction (which also records the event in the inbox). The contract's snapshot becomes the
read models' record here, once."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from dropin_common.consumer import Handler, Handlers
from dropin_common.contracts.auth import (ACCOUNT_EVENTS, ORGANIZATION_EVENTS, AccountEvent, AccountTokensRevoked,
                                          OrganizationEvent)
from dropin_common.contracts.streams import STREAM_EVENTS, LeadCreated, StreamEvent

from ..domain.records import Account, Lead, Organization, StreamSnapshot
from ..ports import ProjectionStore
from ..use_cases import projections


def event_handlers(store_for: Callable[[Connection], ProjectionStore]) -> Handlers:
    def stream(event: StreamEvent, conn: Connection) -> None:
        projections.apply_stream_snapshot(store_for(conn), StreamSnapshot.from_contract(event.stream))

    def lead(event: LeadCreated, conn: Connection) -> None:
        projections.apply_lead(store_for(conn), Lead.from_contract(event.lead))

    def account(event: AccountEvent, conn: Connection) -> None:
        projections.apply_account(store_for(conn), Account.from_contract(event.account))

    def organization(event: OrganizationEvent, conn: Connection) -> None:
        projections.apply_organization(store_for(conn), Organization.from_contract(event.organization))

    def revocation(event: AccountTokensRevoked, conn: Connection) -> None:
        projections.apply_token_revocation(store_for(conn), event)

    table: dict[tuple[str, int], Handler] = {
        **{contract.key(): stream for contract in STREAM_EVENTS}, LeadCreated.key(): lead,
        **{contract.key(): account for contract in ACCOUNT_EVENTS},
        **{contract.key(): organization for contract in ORGANIZATION_EVENTS},
        AccountTokensRevoked.key(): revocation}
    return table
