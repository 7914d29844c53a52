"""Organizations (dealerships). The token is the shopper site's secret for `POST /leads`."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DEFAULT_TIMEZONE = "UTC"
MAX_CRM_LEAD_EMAILS = 5
MAX_MANAGER_EMAILS = 10


@dataclass
class Organization:
    id: str
    name: str
    code: str
    loan_link: str | None
    token: str
    created_at: datetime
    updated_at: datetime
    timezone: str = DEFAULT_TIMEZONE
    # When shoppers' requests may ring (dropin_common.business_hours, canonical wire form, local
    # to `timezone`): empty hours = always open; holidays are ISO dates.
    business_hours: dict[str, list[list[str]]] = field(default_factory=dict)
    holidays: list[str] = field(default_factory=list)
    # Integration settings (read by the integrations service from organization.* events): who
    # receives each lead as ADF/XML, and who is alerted about missed calls.
    crm_lead_emails: list[str] = field(default_factory=list)
    manager_emails: list[str] = field(default_factory=list)

    @property
    def token_hash(self) -> str:
        """What other services get instead of the token: enough to check one, never to show one."""
        return hashlib.sha256(self.token.encode()).hexdigest()

    def rename(self, name: str, now: datetime) -> None:
        self.name = name
        self.updated_at = now

    def set_loan_link(self, loan_link: str | None, now: datetime) -> None:
        self.loan_link = loan_link
        self.updated_at = now

    def rotate_token(self, token: str, now: datetime) -> None:
        self.token = token
        self.updated_at = now

    def set_hours(self, now: datetime, **hours: Any) -> bool:
        """Sets any of timezone, business_hours, holidays, crm_lead_emails, manager_emails; True
        when something changed."""
        changed = {name: value for name, value in hours.items() if getattr(self, name) != value}
        for name, value in changed.items():
            setattr(self, name, value)
        if changed:
            self.updated_at = now
        return bool(changed)
