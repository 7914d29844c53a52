"""Keeping the organizations/accounts replica in step with auth's events.

Snapshots are applied only when newer than what is stored (`updatedAt`), so a redelivered or
late event never rolls the replica back.
"""
from __future__ import annotations

from dropin_common.contracts.auth import AccountEvent, OrganizationEvent

from ..domain.replica import Account, Organization
from ..ports import AccountRepository, OrganizationRepository


def apply_organization(organizations: OrganizationRepository, event: OrganizationEvent) -> bool:
    snapshot = event.organization
    return organizations.save_if_newer(Organization(
        id=snapshot.id, name=snapshot.name, code=snapshot.code, loan_link=snapshot.loan_link,
        token_hash=snapshot.token_hash, active=True, updated_at=snapshot.updated_at,
        timezone=snapshot.timezone or "UTC", business_hours=snapshot.business_hours, holidays=list(snapshot.holidays)))


def apply_account(accounts: AccountRepository, event: AccountEvent) -> bool:
    snapshot = event.account
    return accounts.save_if_newer(Account(
        id=snapshot.id, email=snapshot.email, first_name=snapshot.first_name, last_name=snapshot.last_name,
        role=snapshot.role, status=snapshot.status, account_status=snapshot.account_status,
        organization_id=snapshot.organization_id, updated_at=snapshot.updated_at))
