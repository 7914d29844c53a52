"""Event payloads as the producers publish them (dropin_common.events), for tests of every layer."""
from __future__ import annotations

import uuid
from typing import Any

VEHICLE = {"make": "Honda", "model": "Accord", "type": "sedan", "year": 2003}
VIN = "1HGCM82633A004352"


def organization(organization_id: str | None = None, *, updated_at: str = "2026-03-01T10:00:00Z",
                 crm: list[str] | None = None, managers: list[str] | None = None,
                 timezone: str = "America/Los_Angeles", name: str = "Sunrise Toyota") -> dict[str, Any]:
    return {"id": organization_id or str(uuid.uuid4()), "name": name, "code": "sunrise",
            "loanLink": None, "tokenHash": "0" * 64, "createdAt": "2026-03-01T10:00:00Z",
            "updatedAt": updated_at, "crmLeadEmails": crm if crm is not None else ["leads@crm.example.com"],
            "managerEmails": managers if managers is not None else ["boss@sunrise.example.com"],
            "timezone": timezone}


def stream(organization_id: str, stream_id: str | None = None, *, version: int = 1, status: str = "requested",
           dealer: dict | None = None, note: str | None = None, duration: int | None = None,
           stopped_at: str | None = None, **extra) -> dict[str, Any]:
    return {"id": stream_id or str(uuid.uuid4()), "version": version, "organizationId": organization_id,
            "organizationCode": "sunrise", "organizationName": "Sunrise Toyota", "vin": VIN, "vehicle": VEHICLE,
            "status": status, "dealerId": dealer["id"] if dealer else None, "dealer": dealer,
            "requestedAt": "2026-03-01T18:30:00Z", "acceptedAt": "2026-03-01T18:30:10Z" if dealer else None,
            "stoppedAt": stopped_at, "stoppedBy": "dealer" if stopped_at else None, "note": note,
            "durationSeconds": duration, **extra}


def completed_stream(organization_id: str, stream_id: str | None = None, *, version: int = 3,
                     note: str | None = None) -> dict[str, Any]:
    return stream(organization_id, stream_id, version=version, status="completed",
                  dealer={"id": "dealer-1", "firstName": "Ann", "lastName": "Lee"}, duration=252,
                  stopped_at="2026-03-01T18:34:22Z", note=note)


def missed_stream(organization_id: str, stream_id: str | None = None, *, version: int = 2, **extra) -> dict[str, Any]:
    return stream(organization_id, stream_id, version=version, status="missed",
                  stopped_at="2026-03-01T18:31:00Z", **extra)


def lead(organization_id: str, stream_id: str | None, lead_id: str | None = None, **overrides) -> dict[str, Any]:
    return {"id": lead_id or str(uuid.uuid4()), "streamId": stream_id, "organizationId": organization_id,
            "organizationName": "Sunrise Toyota", "vin": VIN, "vehicle": VEHICLE, "firstName": "Sam",
            "lastName": "Shopper", "email": "sam@example.com", "phone": "+1 555 0100",
            "comment": "Does it have a sunroof?", "createdAt": "2026-03-01T18:35:00Z", **overrides}


def account(account_id: str | None = None, *, role: str = "admin", status: str = "active",
            updated_at: str = "2026-03-01T09:00:00Z") -> dict[str, Any]:
    return {"id": account_id or str(uuid.uuid4()), "email": "admin@example.com", "username": "admin",
            "firstName": "Ada", "lastName": "Admin", "phone": None, "role": role, "status": status,
            "accountStatus": "offline", "organizationId": None, "createdAt": "2026-03-01T09:00:00Z",
            "updatedAt": updated_at}
