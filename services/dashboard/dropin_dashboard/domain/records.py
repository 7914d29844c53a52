"""The read models' records, built from event snapshots, and the rules that keep them current
when events arrive twice or out of order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dropin_common.timeutil import parse_iso

from .zones import is_time_zone_name


@dataclass(frozen=True)
class Vehicle:
    make: str | None = None
    model: str | None = None
    type: str | None = None
    year: int | None = None

    @classmethod
    def from_payload(cls, data: dict[str, Any] | None) -> Vehicle:
        data = data or {}
        year = data.get("year")
        return cls(make=data.get("make"), model=data.get("model"), type=data.get("type"),
                   year=int(year) if year not in (None, "") else None)


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
    def from_payload(cls, data: dict[str, Any]) -> StreamSnapshot:
        """`data` is the event's `stream` (missedReason and dealersRung: absent from older events)."""
        dealer = data.get("dealer")
        dealers_rung = data.get("dealersRung")
        dealer_id = data.get("dealerId") or (dealer or {}).get("id")
        duration = data.get("durationSeconds")
        return cls(
            id=str(data["id"]), version=int(data["version"]),
            organization_id=data.get("organizationId"), organization_code=data.get("organizationCode"),
            organization_name=data.get("organizationName"), vin=data.get("vin"),
            vehicle=Vehicle.from_payload(data.get("vehicle")), status=str(data["status"]),
            dealer=Dealer(str(dealer_id), (dealer or {}).get("firstName"), (dealer or {}).get("lastName"))
            if dealer_id else None,
            requested_at=parse_iso(data.get("requestedAt")), accepted_at=parse_iso(data.get("acceptedAt")),
            stopped_at=parse_iso(data.get("stoppedAt")), stopped_by=data.get("stoppedBy"),
            note=data.get("note"), duration_seconds=int(duration) if duration is not None else None,
            missed_reason=data.get("missedReason"),
            dealers_rung=dealers_rung if type(dealers_rung) is int and dealers_rung >= 0 else None)


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
    def from_payload(cls, data: dict[str, Any]) -> Lead:
        return cls(
            id=str(data["id"]), stream_id=data.get("streamId"), organization_id=data.get("organizationId"),
            organization_name=data.get("organizationName"), vin=data.get("vin"),
            vehicle=Vehicle.from_payload(data.get("vehicle")),
            shopper=Shopper(data.get("firstName"), data.get("lastName"), data.get("email"), data.get("phone")),
            comment=data.get("comment"), created_at=parse_iso(data["createdAt"]))


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
    def from_payload(cls, data: dict[str, Any]) -> Organization:
        zone = data.get("timezone")
        return cls(id=str(data["id"]), name=data["name"], code=data.get("code"), loan_link=data.get("loanLink"),
                   created_at=parse_iso(data.get("createdAt")), updated_at=parse_iso(data["updatedAt"]),
                   timezone=zone if isinstance(zone, str) and is_time_zone_name(zone) else None)


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
    def from_payload(cls, data: dict[str, Any]) -> Account:
        return cls(id=str(data["id"]), email=data.get("email"), first_name=data.get("firstName"),
                   last_name=data.get("lastName"), phone=data.get("phone"), role=str(data.get("role", "")),
                   status=data.get("status"), account_status=data.get("accountStatus"),
                   organization_id=data.get("organizationId"), created_at=parse_iso(data.get("createdAt")),
                   updated_at=parse_iso(data["updatedAt"]))
