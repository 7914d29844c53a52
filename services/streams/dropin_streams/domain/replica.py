"""What streams knows about organizations and accounts: a replica fed by auth's events."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ROLE_DEALER = "dealer"
ACTIVE = "active"
ONLINE = "online"


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    code: str
    loan_link: str | None
    token_hash: str | None
    active: bool
    updated_at: datetime
    # Business hours as auth's events carry them (see dropin_common.business_hours).
    timezone: str = "UTC"
    business_hours: dict[str, Any] = field(default_factory=dict)
    holidays: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Account:
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    role: str
    status: str
    account_status: str
    organization_id: str | None
    updated_at: datetime

    @property
    def is_active_dealer(self) -> bool:
        return self.role == ROLE_DEALER and self.status == ACTIVE

    @property
    def is_online(self) -> bool:
        return self.account_status == ONLINE

    def is_active_dealer_of(self, organization_id: str) -> bool:
        return self.is_active_dealer and self.organization_id == organization_id

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or (self.email or self.id)
