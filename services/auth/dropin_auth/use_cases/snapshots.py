"""How accounts and organizations look outside auth: in responses and in event payloads
(the shapes documented in dropin_common.events). A password hash never appears in either."""
from __future__ import annotations

from typing import Any

from dropin_common import events
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


def account_event(event_type: str, account: Account, *, reason: str | None = None) -> Event:
    data: dict[str, Any] = {"account": account_snapshot(account)}
    if reason is not None:
        data["reason"] = reason  # why the presence changed when the dealer did not switch it
    return Event(event_type, data)


def organization_event(event_type: str, organization: Organization) -> Event:
    snapshot = organization_view(organization, include_token=False)
    snapshot["tokenHash"] = organization.token_hash
    return Event(event_type, {"organization": snapshot})


def tokens_revoked_event(account_id: str, *, jti: str | None = None, expires_at: str | None = None,
                         not_before: float | None = None) -> Event:
    data: dict[str, Any] = {"accountId": account_id}
    if jti is not None:
        data["jti"] = jti
        data["expiresAt"] = expires_at
    if not_before is not None:
        data["notBefore"] = not_before
    return Event(events.ACCOUNT_TOKENS_REVOKED, data)
