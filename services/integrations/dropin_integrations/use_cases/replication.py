"""Turning event payloads (dropin_common.events) into replica records."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from dropin_common.timeutil import parse_iso

from ..domain.records import (DEFAULT_TIMEZONE, AccountRecord, Dealer, LeadRecord, OrganizationSettings,
                              StreamRecord, Vehicle)


def organization_from(snapshot: dict[str, Any]) -> OrganizationSettings:
    # Events from before the settings existed lack them: no addresses, UTC.
    return OrganizationSettings(
        id=str(snapshot["id"]), name=str(snapshot.get("name") or ""),
        crm_lead_emails=tuple(snapshot.get("crmLeadEmails") or ()),
        manager_emails=tuple(snapshot.get("managerEmails") or ()),
        timezone=snapshot.get("timezone") or DEFAULT_TIMEZONE,
        updated_at=parse_iso(snapshot.get("updatedAt")))


def account_from(snapshot: dict[str, Any]) -> AccountRecord:
    return AccountRecord(id=str(snapshot["id"]), role=str(snapshot.get("role") or ""),
                         status=str(snapshot.get("status") or ""), updated_at=parse_iso(snapshot.get("updatedAt")))


def vehicle_from(snapshot: dict[str, Any] | None) -> Vehicle:
    snapshot = snapshot or {}
    year = snapshot.get("year")
    return Vehicle(make=snapshot.get("make"), model=snapshot.get("model"), type=snapshot.get("type"),
                   year=int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None)


def stream_from(snapshot: dict[str, Any], occurred_at: datetime) -> StreamRecord:
    dealer = snapshot.get("dealer")
    status = str(snapshot["status"])
    stopped_at = parse_iso(snapshot.get("stoppedAt"))
    if stopped_at is None and status in ("completed", "missed", "expired"):
        stopped_at = occurred_at  # the best we know of when it ended
    rung = snapshot.get("dealersRung")
    return StreamRecord(
        id=str(snapshot["id"]), version=int(snapshot["version"]),
        organization_id=str(snapshot["organizationId"]), organization_name=snapshot.get("organizationName"),
        status=status, vin=snapshot.get("vin"), vehicle=vehicle_from(snapshot.get("vehicle")),
        requested_at=parse_iso(snapshot.get("requestedAt")), stopped_at=stopped_at,
        dealer=Dealer(id=str(dealer["id"]), first_name=dealer.get("firstName"), last_name=dealer.get("lastName"))
        if dealer else None,
        note=snapshot.get("note"), duration_seconds=snapshot.get("durationSeconds"),
        dealers_rung=int(rung) if isinstance(rung, int) else None, snapshot=dict(snapshot))


def lead_from(snapshot: dict[str, Any], occurred_at: datetime) -> LeadRecord:
    return LeadRecord(
        id=str(snapshot["id"]), organization_id=str(snapshot["organizationId"]),
        stream_id=snapshot.get("streamId"), organization_name=snapshot.get("organizationName"),
        vin=snapshot.get("vin"), vehicle=vehicle_from(snapshot.get("vehicle")),
        first_name=snapshot.get("firstName"), last_name=snapshot.get("lastName"),
        email=snapshot.get("email"), phone=snapshot.get("phone"), comment=snapshot.get("comment"),
        created_at=parse_iso(snapshot.get("createdAt")) or occurred_at, snapshot=dict(snapshot))
