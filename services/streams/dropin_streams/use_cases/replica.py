"""Keeping the organizations/accounts replica in step with auth's events.

Snapshots are applied only when newer than what is stored (`updatedAt`), so a redelivered or
late event never rolls the replica back.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from dropin_common.timeutil import parse_iso

from ..domain.replica import Account, Organization
from ..ports import AccountRepository, OrganizationRepository


def apply_organization(organizations: OrganizationRepository, data: dict[str, Any]) -> bool:
    snapshot = data["organization"]
    return organizations.save_if_newer(Organization(
        id=str(snapshot["id"]), name=snapshot["name"], code=snapshot["code"],
        loan_link=snapshot.get("loanLink"), token_hash=snapshot.get("tokenHash"),
        active=_is_active(snapshot), updated_at=_updated_at(snapshot),
        timezone=snapshot.get("timezone") or "UTC", business_hours=snapshot.get("businessHours") or {},
        holidays=snapshot.get("holidays") or []))


def apply_account(accounts: AccountRepository, data: dict[str, Any]) -> bool:
    snapshot = data["account"]
    organization_id = snapshot.get("organizationId")
    return accounts.save_if_newer(Account(
        id=str(snapshot["id"]), email=snapshot.get("email"), first_name=snapshot.get("firstName"),
        last_name=snapshot.get("lastName"), role=snapshot.get("role") or "dealer",
        status=snapshot.get("status") or "inactive",
        account_status=snapshot.get("accountStatus") or "offline",
        organization_id=str(organization_id) if organization_id is not None else None,
        updated_at=_updated_at(snapshot)))


def _is_active(snapshot: dict[str, Any]) -> bool:
    # Organizations carry no status in the event contract today; honour one if auth adds it.
    if "active" in snapshot:
        return bool(snapshot["active"])
    return bool(snapshot.get("status", "active") == "active")


def _updated_at(snapshot: dict[str, Any]) -> datetime:
    moment = parse_iso(snapshot.get("updatedAt") or snapshot.get("createdAt"))
    if moment is None:
        raise ValueError("a snapshot without updatedAt cannot be ordered")
    return moment
