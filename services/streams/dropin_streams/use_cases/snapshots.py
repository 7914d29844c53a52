"""How streams and leads look in HTTP answers and Pusher messages (the views), and in integration
events (the contracts of dropin_common.contracts.streams, built separately)."""
from __future__ import annotations

from typing import Any

from dropin_common.contracts import streams as contracts
from dropin_common.timeutil import iso

from ..domain.access import StreamRole
from ..domain.lead import Lead
from ..domain.stream import Stream
from ..domain.vehicle import DecodedVin, Vehicle


def vehicle_snapshot(vehicle: Vehicle) -> dict[str, Any]:
    return {"make": vehicle.make, "model": vehicle.model, "type": vehicle.type, "year": vehicle.year}


def stream_snapshot(stream: Stream) -> dict[str, Any]:
    """The stream as the organization's people see it (HTTP answers, Pusher); never the token hash."""
    dealer = stream.dealer
    return {
        "id": stream.id,
        "version": stream.version,
        "organizationId": stream.organization_id,
        "organizationCode": stream.organization_code,
        "organizationName": stream.organization_name,
        "vin": stream.vin,
        "vehicle": vehicle_snapshot(stream.vehicle),
        "status": stream.status,
        "dealerId": stream.dealer_id,
        "dealer": {"id": dealer.id, "firstName": dealer.first_name, "lastName": dealer.last_name}
        if dealer else None,
        "requestedAt": iso(stream.requested_at),
        "acceptedAt": iso(stream.accepted_at),
        "stoppedAt": iso(stream.stopped_at),
        "stoppedBy": stream.stopped_by,
        "note": stream.note,
        "durationSeconds": stream.duration_seconds,
        "missedReason": stream.missed_reason,
        "dealersRung": stream.dealers_rung,
    }


def stream_view(stream: Stream) -> dict[str, Any]:
    """The stream resource clients read: the snapshot plus its delivery logs."""
    return {**stream_snapshot(stream),
            "logs": [{"type": log.type, "code": log.code, "at": iso(log.at)} for log in stream.logs]}


def shopper_stream_view(stream: Stream) -> dict[str, Any]:
    """What a caller without the organization's token reads: what the shopper's app shows (the
    walk-around's state, the car, who is showing it by first name). No note, logs, dealer id or
    last name: those are the dealership's."""
    return {
        "id": stream.id,
        "organizationCode": stream.organization_code,
        "organizationName": stream.organization_name,
        "vin": stream.vin,
        "vehicle": vehicle_snapshot(stream.vehicle),
        "status": stream.status,
        "dealer": {"firstName": stream.dealer.first_name} if stream.dealer else None,
        "requestedAt": iso(stream.requested_at),
        "acceptedAt": iso(stream.accepted_at),
        "stoppedAt": iso(stream.stopped_at),
        "missedReason": stream.missed_reason,  # the shopper's page says why nobody answered
    }


def stream_view_for(stream: Stream, role: StreamRole) -> dict[str, Any]:
    """The one place that decides how much of a stream a caller's answer shows."""
    return stream_view(stream) if role.is_organization else shopper_stream_view(stream)


def lead_snapshot(lead: Lead) -> dict[str, Any]:
    contact = lead.contact
    return {
        "id": lead.id,
        "streamId": lead.stream_id,
        "organizationId": lead.organization_id,
        "organizationName": lead.organization_name,
        "vin": lead.vin,
        "vehicle": vehicle_snapshot(lead.vehicle),
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email": contact.email,
        "phone": contact.phone,
        "comment": contact.comment,
        "createdAt": iso(lead.created_at),
    }


def decoded_vin_view(decoded: DecodedVin) -> dict[str, Any]:
    return {"vin": decoded.vin, **vehicle_snapshot(decoded.vehicle), "country": decoded.vehicle.country,
            "manufacturer": decoded.manufacturer, "region": decoded.region,
            "checksumValid": decoded.checksum_valid}


# --- event payloads: the contracts of dropin_common.contracts.streams, built apart from the views
# above, so a change to what clients read never changes what other services receive.

def vehicle_payload(vehicle: Vehicle) -> contracts.Vehicle:
    return contracts.Vehicle(make=vehicle.make, model=vehicle.model, type=vehicle.type, year=vehicle.year)


def stream_payload(stream: Stream) -> contracts.StreamSnapshot:
    dealer = stream.dealer
    return contracts.StreamSnapshot(
        id=stream.id, version=stream.version, organization_id=stream.organization_id,
        organization_code=stream.organization_code, organization_name=stream.organization_name,
        vin=stream.vin, vehicle=vehicle_payload(stream.vehicle), status=stream.status,
        dealer_id=stream.dealer_id,
        dealer=contracts.DealerRef(id=dealer.id, first_name=dealer.first_name, last_name=dealer.last_name)
        if dealer else None,
        requested_at=stream.requested_at, accepted_at=stream.accepted_at, stopped_at=stream.stopped_at,
        stopped_by=stream.stopped_by, note=stream.note, duration_seconds=stream.duration_seconds,
        missed_reason=stream.missed_reason, dealers_rung=stream.dealers_rung)


def lead_payload(lead: Lead) -> contracts.LeadSnapshot:
    contact = lead.contact
    return contracts.LeadSnapshot(
        id=lead.id, stream_id=lead.stream_id, organization_id=lead.organization_id,
        organization_name=lead.organization_name, vin=lead.vin, vehicle=vehicle_payload(lead.vehicle),
        first_name=contact.first_name, last_name=contact.last_name, email=contact.email,
        phone=contact.phone, comment=contact.comment, created_at=lead.created_at)
