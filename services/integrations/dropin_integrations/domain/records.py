"""What the integrations service knows, kept from other services' events (see dropin_common.events).

Each record is a plain value; the consumer stores it only when it is newer than the stored one
(`updated_at` for organizations and accounts, `version` for streams), so a late or repeated event
never overwrites a newer state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ENDED_STATUSES = frozenset({"completed", "missed", "expired"})
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class OrganizationSettings:
    id: str
    name: str
    crm_lead_emails: tuple[str, ...] = ()
    manager_emails: tuple[str, ...] = ()
    timezone: str = DEFAULT_TIMEZONE
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Vehicle:
    make: str | None = None
    model: str | None = None
    type: str | None = None
    year: int | None = None

    def describe(self) -> str:
        """`2003 Honda Accord`, or what is known of it."""
        return " ".join(str(part) for part in (self.year, self.make, self.model) if part) or "Vehicle"


@dataclass(frozen=True)
class Dealer:
    id: str
    first_name: str | None = None
    last_name: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or "a dealer"


@dataclass(frozen=True)
class StreamRecord:
    id: str
    version: int
    organization_id: str
    organization_name: str | None
    status: str
    vin: str | None
    vehicle: Vehicle
    requested_at: datetime | None
    stopped_at: datetime | None = None
    dealer: Dealer | None = None
    note: str | None = None
    duration_seconds: int | None = None
    dealers_rung: int | None = None  # when the streams service says how many it rang
    snapshot: dict[str, Any] = field(default_factory=dict, compare=False)  # as received, for webhooks

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES


@dataclass(frozen=True)
class LeadRecord:
    id: str
    organization_id: str
    stream_id: str | None
    organization_name: str | None
    vin: str | None
    vehicle: Vehicle
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    comment: str | None
    created_at: datetime
    snapshot: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def shopper_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or "Unknown shopper"


@dataclass(frozen=True)
class AccountRecord:
    """Enough of an account to decide whether its token still grants admin rights here."""
    id: str
    role: str
    status: str
    updated_at: datetime | None = None
