"""Turning event contracts (dropin_common.contracts) into replica records."""
from __future__ import annotations

from datetime import datetime

from dropin_common.contracts import auth, streams

from ..domain.records import (DEFAULT_TIMEZONE, AccountRecord, Dealer, LeadRecord, OrganizationSettings,
                              StreamRecord, Vehicle)


def organization_from(snapshot: auth.OrganizationSnapshot) -> OrganizationSettings:
    # Events from before the settings existed lack them: no addresses, UTC.
    return OrganizationSettings(
        id=snapshot.id, name=snapshot.name, crm_lead_emails=snapshot.crm_lead_emails,
        manager_emails=snapshot.manager_emails, timezone=snapshot.timezone or DEFAULT_TIMEZONE,
        updated_at=snapshot.updated_at)


def account_from(snapshot: auth.AccountSnapshot) -> AccountRecord:
    return AccountRecord(id=snapshot.id, role=snapshot.role, status=snapshot.status, updated_at=snapshot.updated_at)


def vehicle_from(vehicle: streams.Vehicle) -> Vehicle:
    return Vehicle(make=vehicle.make, model=vehicle.model, type=vehicle.type, year=vehicle.year)


def stream_from(snapshot: streams.StreamSnapshot, occurred_at: datetime) -> StreamRecord:
    dealer = snapshot.dealer
    stopped_at = snapshot.stopped_at
    if stopped_at is None and snapshot.status in ("completed", "missed", "expired"):
        stopped_at = occurred_at  # the best we know of when it ended
    return StreamRecord(
        id=snapshot.id, version=snapshot.version, organization_id=snapshot.organization_id,
        organization_name=snapshot.organization_name, status=snapshot.status, vin=snapshot.vin,
        vehicle=vehicle_from(snapshot.vehicle), requested_at=snapshot.requested_at, stopped_at=stopped_at,
        dealer=Dealer(id=dealer.id, first_name=dealer.first_name, last_name=dealer.last_name) if dealer else None,
        note=snapshot.note, duration_seconds=snapshot.duration_seconds, dealers_rung=snapshot.dealers_rung,
        snapshot=snapshot.to_data())


def lead_from(snapshot: streams.LeadSnapshot, occurred_at: datetime) -> LeadRecord:
    return LeadRecord(
        id=snapshot.id, organization_id=snapshot.organization_id, stream_id=snapshot.stream_id,
        organization_name=snapshot.organization_name, vin=snapshot.vin, vehicle=vehicle_from(snapshot.vehicle),
        first_name=snapshot.first_name, last_name=snapshot.last_name, email=snapshot.email,
        phone=snapshot.phone, comment=snapshot.comment, created_at=snapshot.created_at,
        snapshot=snapshot.to_data())
