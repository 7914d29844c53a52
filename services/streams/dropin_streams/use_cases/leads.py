"""Shopper feedback becomes a lead, tied to a stream or to an organization and a VIN."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from dropin_common.contracts.streams import LeadCreated
from dropin_common.kernel import InvalidInput, NotAuthenticated, Principal

from ..domain.access import role_towards_organization
from ..domain.lead import Contact, Lead
from ..domain.tokens import sha256_hex
from ..domain.vehicle import InvalidVin
from ..ports import UnitOfWork, VinDecoder
from .lookups import role_on, stream_or_404
from .snapshots import lead_payload


@dataclass(frozen=True)
class CreateLead:
    contact: Contact
    stream_id: str | None = None
    organization_token: str | None = None
    vin: str | None = None
    principal: Principal | None = None  # a token, when sent, must be the organization's


def create_lead(uow: UnitOfWork, decoder: VinDecoder, command: CreateLead, now: datetime) -> Lead:
    contact = command.contact.with_valid_names()
    contact.require_a_way_to_reach()
    command = replace(command, contact=contact)
    with uow:
        if command.stream_id:  # the contract: when everything is given, streamId wins
            lead = _lead_for_stream(uow, command, command.stream_id, now)
        elif command.organization_token and command.vin:
            lead = _lead_for_vehicle(uow, decoder, command, command.organization_token, command.vin, now)
        else:
            raise InvalidInput("Give streamId, or organizationToken and vinId.", code="lead_target_missing",
                               field="streamId")
        uow.leads.add(lead)
        uow.outbox.publish(LeadCreated(lead=lead_payload(lead)).to_event())
        uow.commit()
    return lead


def _lead_for_stream(uow: UnitOfWork, command: CreateLead, stream_id: str, now: datetime) -> Lead:
    stream = stream_or_404(uow, stream_id)
    role_on(stream, command.principal)
    return Lead(id=str(uuid.uuid4()), stream_id=stream.id, organization_id=stream.organization_id,
                organization_name=stream.organization_name, vin=stream.vin, vehicle=stream.vehicle,
                contact=command.contact, created_at=now)


def _lead_for_vehicle(uow: UnitOfWork, decoder: VinDecoder, command: CreateLead, organization_token: str,
                      vin: str, now: datetime) -> Lead:
    organization = uow.organizations.by_token_hash(sha256_hex(organization_token))
    if organization is None:
        raise NotAuthenticated("The organization token is not valid.", code="invalid_organization_token")
    role_towards_organization(organization.id, command.principal)
    vin = vin.strip().upper()
    try:
        vehicle = decoder.decode(vin).vehicle
    except InvalidVin as exc:
        raise InvalidInput(f"vinId: {exc}", code="invalid_vin", field="vinId") from None
    return Lead(id=str(uuid.uuid4()), stream_id=None, organization_id=organization.id,
                organization_name=organization.name, vin=vin, vehicle=vehicle,
                contact=command.contact, created_at=now)
