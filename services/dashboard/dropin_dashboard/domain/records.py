"""The read models' records, built from event snapshots, and the rules that keep them current
when events arrive twice or out of order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dropin_common.contracts import auth as auth_contracts
from dropin_common.contracts import streams as contracts

from .zones import is_time_zone_name


@dataclass(frozen=True)
class Vehicle:
    make: str | None = None
    model: str | None = None
    type: str | None = None
    year: int | None = None

    @classmethod
    def from_contract(cls, vehicle: contracts.Vehicle) -> Vehicle:
        return cls(make=vehicle.make, model=vehicle.model, type=vehicle.type, year=vehicle.year)


@dataclass(frozen=True)
class Shopper:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Dealer:
    id: str
    first_name: str | None = None
    last_name: str | None = None

    @property
    def name(self) -> str | None:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or None


@dataclass(frozen=True)
class StreamSnapshot:
    """A stream as `stream.*` events carry it. `version` grows with every change of the stream."""
    id: str
    version: int
    organization_id: str | None
    organization_code: str | None
    organization_name: str | None
    vin: str | None
    vehicle: Vehicle
    status: str
    dealer: Dealer | None
    requested_at: datetime | None
    accepted_at: datetime | None
    stopped_at: datetime | None
    stopped_by: str | None
    note: str | None
    duration_seconds: int | None
    missed_reason: str | None = None  # why nobody answered, once streams' ringing reports it
    dealers_rung: int | None = None   # dealers the request rang

    @property
    def time_to_answer_seconds(self) -> int | None:
        """Whole seconds from request to accept (truncated, as durationSeconds is); None unanswered."""
        if self.accepted_at is None or self.requested_at is None:
            return None
        return max(0, int((self.accepted_at - self.requested_at).total_seconds()))

    def supersedes(self, stored_version: int | None) -> bool:
        """A snapshot replaces the stored call only if it is newer (older or equal: a late copy)."""
        return stored_version is None or self.version > stored_version

    @classmethod
    def from_contract(cls, stream: contracts.StreamSnapshot) -> StreamSnapshot:
        """The event's `stream` (missedReason and dealersRung: null in older events)."""
        dealer, dealer_id = stream.dealer, stream.dealer_id or (stream.dealer.id if stream.dealer else None)
        return cls(
            id=stream.id, version=stream.version, organization_id=stream.organization_id,
            organization_code=stream.organization_code, organization_name=stream.organization_name,
            vin=stream.vin, vehicle=Vehicle.from_contract(stream.vehicle), status=stream.status,
            dealer=Dealer(dealer_id, dealer.first_name if dealer else None, dealer.last_name if dealer else None)
            if dealer_id else None,
            requested_at=stream.requested_at, accepted_at=stream.accepted_at, stopped_at=stream.stopped_at,
            stopped_by=stream.stopped_by, note=stream.note, duration_seconds=stream.duration_seconds,
            missed_reason=stream.missed_reason,
            dealers_rung=stream.dealers_rung if stream.dealers_rung is not None and stream.dealers_rung >= 0
            else None)


@dataclass(frozen=True)
class Lead:
    id: str
    stream_id: str | None
    organization_id: str | None
    organization_name: str | None
    vin: str | None
    vehicle: Vehicle
    shopper: Shopper
    comment: str | None
    created_at: datetime

    @classmethod
    def from_contract(cls, lead: contracts.LeadSnapshot) -> Lead:
        return cls(
            id=lead.id, stream_id=lead.stream_id, organization_id=lead.organization_id,
            organization_name=lead.organization_name, vin=lead.vin, vehicle=Vehicle.from_contract(lead.vehicle),
            shopper=Shopper(lead.first_name, lead.last_name, lead.email, lead.phone),
            comment=lead.comment, created_at=lead.created_at)


def _newer(incoming: datetime | None, stored: datetime | None) -> bool:
    return stored is None or (incoming is not None and incoming > stored)


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    code: str | None
    loan_link: str | None
    created_at: datetime | None
    updated_at: datetime | None  # None: only known from a stream or lead so far
    timezone: str | None = None  # IANA name, when auth's organization events carry one

    def supersedes(self, stored_updated_at: datetime | None) -> bool:
        return _newer(self.updated_at, stored_updated_at)

    @classmethod
    def from_contract(cls, organization: auth_contracts.OrganizationSnapshot) -> Organization:
        zone = organization.timezone
        return cls(id=organization.id, name=organization.name, code=organization.code,
                   loan_link=organization.loan_link, created_at=organization.created_at,
                   updated_at=organization.updated_at,
                   timezone=zone if zone is not None and is_time_zone_name(zone) else None)


@dataclass(frozen=True)
class Account:
    """Any account (the role is kept: only dealers are listed, an admin keeps its ordering stamp)."""
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    role: str
    status: str | None
    account_status: str | None
    organization_id: str | None
    created_at: datetime | None
    updated_at: datetime

    def supersedes(self, stored_updated_at: datetime | None) -> bool:
        return _newer(self.updated_at, stored_updated_at)

    @classmethod
    def from_contract(cls, account: auth_contracts.AccountSnapshot) -> Account:
        return cls(id=account.id, email=account.email, first_name=account.first_name,
                   last_name=account.last_name, phone=account.phone, role=account.role, status=account.status,
                   account_status=account.account_status, organization_id=account.organization_id,
                   created_at=account.created_at, updated_at=account.updated_at)
