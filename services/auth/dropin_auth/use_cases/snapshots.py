"""How accounts and organizations look outside auth: in responses (the views) and in event
payloads (the contracts of dropin_common.contracts.auth). A password hash never appears in either."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from dropin_common import events
from dropin_common.contracts import auth as contracts
from dropin_common.events import Event
from dropin_common.timeutil import iso

from ..domain.accounts import Account
from ..domain.organizations import Organization


def account_snapshot(account: Account) -> dict[str, Any]:
    return {
        "id": account.id, "email": account.email, "username": account.username,
        "firstName": account.first_name, "lastName": account.last_name, "phone": account.phone,
        "role": account.role, "status": account.status, "accountStatus": account.account_status,
        "organizationId": account.organization_id,
        "createdAt": iso(account.created_at), "updatedAt": iso(account.updated_at),
    }


def organization_view(organization: Organization, *, include_token: bool) -> dict[str, Any]:
    """The client view; the token only for admins."""
    view = {"id": organization.id, "name": organization.name, "code": organization.code,
            "loanLink": organization.loan_link, "createdAt": iso(organization.created_at),
            "updatedAt": iso(organization.updated_at),
            "timezone": organization.timezone, "businessHours": organization.business_hours,
            "holidays": list(organization.holidays),
            "crmLeadEmails": list(organization.crm_lead_emails),
            "managerEmails": list(organization.manager_emails)}
    if include_token:
        view["token"] = organization.token
    return view


# --- event payloads: the contracts of dropin_common.contracts.auth, built apart from the views above,
# so a change to what clients read never changes what other services receive (and vice versa).

def account_payload(account: Account) -> contracts.AccountSnapshot:
    return contracts.AccountSnapshot(
        id=account.id, email=account.email, username=account.username, first_name=account.first_name,
        last_name=account.last_name, phone=account.phone, role=account.role, status=account.status,
        account_status=account.account_status, organization_id=account.organization_id,
        created_at=account.created_at, updated_at=account.updated_at)


def account_event(event_type: str, account: Account, *, reason: str | None = None) -> Event:
    if event_type == events.ACCOUNT_PRESENCE_CHANGED:
        # reason: why the presence changed when the dealer did not switch it
        return contracts.AccountPresenceChanged(account=account_payload(account), reason=reason).to_event()
    event_class = {events.ACCOUNT_REGISTERED: contracts.AccountRegistered,
                   events.ACCOUNT_UPDATED: contracts.AccountUpdated}[event_type]
    return event_class(account=account_payload(account)).to_event()


def organization_payload(organization: Organization) -> contracts.OrganizationSnapshot:
    return contracts.OrganizationSnapshot(
        id=organization.id, name=organization.name, code=organization.code, loan_link=organization.loan_link,
        token_hash=organization.token_hash, created_at=organization.created_at,
        updated_at=organization.updated_at, timezone=organization.timezone,
        business_hours=organization.business_hours, holidays=tuple(organization.holidays),
        crm_lead_emails=tuple(organization.crm_lead_emails), manager_emails=tuple(organization.manager_emails))


def organization_event(event_type: str, organization: Organization) -> Event:
    event_class = {events.ORGANIZATION_CREATED: contracts.OrganizationCreated,
                   events.ORGANIZATION_UPDATED: contracts.OrganizationUpdated}[event_type]
    return event_class(organization=organization_payload(organization)).to_event()


def tokens_revoked_event(account_id: str, *, jti: str | None = None, expires_at: datetime | None = None,
                         not_before: float | None = None) -> Event:
    return contracts.AccountTokensRevoked(account_id=account_id, jti=jti, expires_at=expires_at,
                                          not_before=not_before).to_event()
