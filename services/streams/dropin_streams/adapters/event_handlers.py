"""Streams' handler table: (event type, version) -> use case, each on the consumer's transaction
(which also records the event in the inbox). Auth's events keep the organizations/accounts
replica and the token revocation list."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dropin_common.auth import revocation_handler
from dropin_common.consumer import Handlers
from dropin_common.contracts.auth import (ACCOUNT_EVENTS, ORGANIZATION_EVENTS, AccountEvent, AccountTokensRevoked,
                                          OrganizationEvent)

from ..use_cases.replica import apply_account, apply_organization
from .repositories import SqlAccountRepository, SqlOrganizationRepository


def event_handlers(tables: dict[str, sa.Table]) -> Handlers:
    def organization_changed(event: OrganizationEvent, conn: Connection) -> None:
        apply_organization(SqlOrganizationRepository(conn, tables), event)

    def account_changed(event: AccountEvent, conn: Connection) -> None:
        apply_account(SqlAccountRepository(conn, tables), event)

    return {**{contract.key(): organization_changed for contract in ORGANIZATION_EVENTS},
            **{contract.key(): account_changed for contract in ACCOUNT_EVENTS},
            AccountTokensRevoked.key(): revocation_handler(tables)}
