"""What admins do to accounts: activate, attach to an organization, change role; list dealers."""
from __future__ import annotations

from dataclasses import dataclass

from dropin_common import events
from dropin_common.kernel import Conflict

from ..domain.accounts import STATUS_ACTIVE, Account
from ..domain.actors import Actor
from ..domain.errors import AccountNotFound, OrganizationNotFound
from ..domain.filters import DealerFilter, Page
from ..ports import Clock, UnitOfWork
from .snapshots import account_event, tokens_revoked_event


@dataclass(frozen=True)
class AdministerAccount:
    account_id: str
    status: str | None = None
    role: str | None = None
    organization_id: str | None = None
    detach_organization: bool = False  # `"organizationId": null` in the request


def administer_account(uow: UnitOfWork, clock: Clock, actor: Actor, command: AdministerAccount) -> Account:
    """Any change of status, role or organization also revokes the account's earlier tokens,
    here at once and in every service through the event: a token is judged by the account as it
    was at login, and must not outlive what was just taken away (the account logs in again)."""
    actor.require_admin()
    with uow:
        account = uow.accounts.get(command.account_id)
        if account is None:
            raise AccountNotFound()
        if command.organization_id is not None and uow.organizations.get(command.organization_id) is None:
            raise OrganizationNotFound(field="organizationId")
        if account.id == actor.account_id and _demotes(account, command):
            raise Conflict("Admins cannot deactivate or demote themselves.", code="cannot_demote_self")
        before = (account.status, account.role, account.organization_id)
        now = clock.now()
        account.administer(now, status=command.status, role=command.role,
                           organization_id=command.organization_id, detach=command.detach_organization)
        uow.accounts.save(account)
        uow.outbox.publish(account_event(events.ACCOUNT_UPDATED, account))
        if (account.status, account.role, account.organization_id) != before:
            uow.revocations.cut_off(account.id, now.timestamp())
            uow.outbox.publish(tokens_revoked_event(account.id, not_before=now.timestamp()))
        uow.commit()
    return account


def _demotes(account: Account, command: AdministerAccount) -> bool:
    return ((command.role is not None and command.role != account.role)
            or (command.status is not None and command.status != STATUS_ACTIVE))


def find_dealers(uow: UnitOfWork, actor: Actor, dealer_filter: DealerFilter, page: Page) -> list[Account]:
    actor.require_admin()
    with uow:
        return uow.accounts.search_dealers(dealer_filter, page)


def count_dealers(uow: UnitOfWork, actor: Actor, dealer_filter: DealerFilter) -> int:
    actor.require_admin()
    with uow:
        return uow.accounts.count_dealers(dealer_filter)
