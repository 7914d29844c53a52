"""Event payloads shaped as dropin_common.events documents them, for unit and integration tests."""
from __future__ import annotations

import uuid
from typing import Any

from dropin_common.contracts import auth as auth_contracts
from dropin_common.contracts import streams as contracts
from dropin_dashboard.domain.records import Account, Lead, Organization, StreamSnapshot



def stream_payload(stream_id: str | None = None, *, version: int = 1, status: str = "requested",
                   organization_id: str = "org-1", organization_name: str = "Sunrise Toyota",
                   vin: str = "4T1BF1FK5CU123456", make: str = "Toyota", model: str = "Camry",
                   car_type: str = "Sedan", year: int = 2012, requested_at: str = "2026-06-16T10:00:00Z",
                   accepted_at: str | None = None, stopped_at: str | None = None,
                   dealer: dict | None = None, note: str | None = None,
                   duration_seconds: int | None = None, **extra: Any) -> dict[str, Any]:
    """`extra`: fields producers may add later (e.g. missedReason), passed through as given."""
    return {**extra, "id": stream_id or str(uuid.uuid4()), "version": version, "organizationId": organization_id,
            "organizationCode": "sunrise", "organizationName": organization_name, "vin": vin,
            "vehicle": {"make": make, "model": model, "type": car_type, "year": year},
            "status": status, "dealerId": (dealer or {}).get("id"), "dealer": dealer,
            "requestedAt": requested_at, "acceptedAt": accepted_at, "stoppedAt": stopped_at,
            "stoppedBy": "dealer" if stopped_at else None, "note": note, "durationSeconds": duration_seconds}


def lead_payload(stream_id: str | None, *, lead_id: str | None = None, first_name: str = "Lan",
                 last_name: str = "Nguyen", email: str = "lan@example.com", phone: str = "+84 90 123 4567",
                 created_at: str = "2026-06-16T10:30:00Z", organization_id: str = "org-1",
                 organization_name: str = "Sunrise Toyota", vin: str = "4T1BF1FK5CU123456",
                 comment: str = "Great car", vehicle: dict | None = None) -> dict[str, Any]:
    return {"id": lead_id or str(uuid.uuid4()), "streamId": stream_id, "organizationId": organization_id,
            "organizationName": organization_name, "vin": vin,
            "vehicle": vehicle or {"make": "Toyota", "model": "Camry", "type": "Sedan", "year": 2012},
            "firstName": first_name, "lastName": last_name, "email": email, "phone": phone,
            "comment": comment, "createdAt": created_at}


def organization_payload(organization_id: str = "org-1", *, name: str = "Sunrise Toyota",
                         updated_at: str = "2026-06-01T00:00:00Z", **extra: Any) -> dict[str, Any]:
    """`extra`: fields auth may add (e.g. timezone), passed through as given."""
    return {"id": organization_id, "name": name, "code": "sunrise", "loanLink": "https://loans.example/x",
            "tokenHash": "0" * 64, "createdAt": "2026-06-01T00:00:00Z", "updatedAt": updated_at, **extra}


def account_payload(account_id: str = "acc-1", *, organization_id: str | None = "org-1", role: str = "dealer",
                    first_name: str = "Minh", last_name: str = "Tran", status: str = "active",
                    updated_at: str = "2026-06-01T00:00:00Z") -> dict[str, Any]:
    return {"id": account_id, "email": f"{account_id}@example.com", "username": account_id,
            "firstName": first_name, "lastName": last_name, "phone": "+84 91 000 0000", "role": role,
            "status": status, "accountStatus": "online", "organizationId": organization_id,
            "createdAt": "2026-06-01T00:00:00Z", "updatedAt": updated_at}


# The records a handler hands the use cases: the payload parsed into its contract, then the record.

def stream_record(data: dict[str, Any]) -> StreamSnapshot:
    return StreamSnapshot.from_contract(contracts.StreamSnapshot.from_data(data))


def lead_record(data: dict[str, Any]) -> Lead:
    return Lead.from_contract(contracts.LeadSnapshot.from_data(data))


def organization_record(data: dict[str, Any]) -> Organization:
    return Organization.from_contract(auth_contracts.OrganizationSnapshot.from_data(data))


def account_record(data: dict[str, Any]) -> Account:
    return Account.from_contract(auth_contracts.AccountSnapshot.from_data(data))
