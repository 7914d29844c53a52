"""A shopper asks for a live walk-around: the stream is created and every online, active dealer
of the organization starts ringing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dropin_common.errors import NotFound
from dropin_common.events import STREAM_REQUESTED
from dropin_common.ids import new_id

from ..domain import channels
from ..domain.stream import Stream
from ..domain.tokens import new_secret, sha256_hex
from ..domain.vehicle import InvalidVin, Vehicle
from ..ports import UnitOfWork, VinDecoder
from .announce import announce


@dataclass(frozen=True)
class RequestStream:
    organization_code: str
    vin: str
    make: str | None = None
    model: str | None = None
    type: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class StreamRequested:
    stream: Stream
    stream_token: str  # shown once; only its hash is stored
    notified_dealers: int


def request_stream(uow: UnitOfWork, decoder: VinDecoder, command: RequestStream,
                   now: datetime) -> StreamRequested:
    vin = command.vin.strip().upper()
    vehicle = _decoded_vehicle(decoder, vin).overridden_by(
        make=command.make, model=command.model, type=command.type, year=command.year)
    token = new_secret()
    with uow:
        organization = uow.organizations.by_code(command.organization_code)
        if organization is None or not organization.active:
            raise NotFound(f"No active organization has the code {command.organization_code!r}.",
                           code="organization_not_found")
        dealers = uow.accounts.online_active_dealers(organization.id)
        stream = Stream(id=new_id(), organization_id=organization.id,
                        organization_code=organization.code, organization_name=organization.name,
                        vin=vin, vehicle=vehicle, token_hash=sha256_hex(token), requested_at=now,
                        dealers_rung=len(dealers))
        uow.streams.add(stream)
        announce(uow, STREAM_REQUESTED, stream,
                 [channels.organization_channel(organization.id)]
                 + [channels.dealer_channel(dealer.id) for dealer in dealers])
        uow.commit()
    return StreamRequested(stream=stream, stream_token=token, notified_dealers=len(dealers))


def _decoded_vehicle(decoder: VinDecoder, vin: str) -> Vehicle:
    # Decoding is best effort: a listing with a pre-1981 or otherwise non-standard VIN still gets
    # its walk-around, described by the fields the caller sent.
    try:
        return decoder.decode(vin).vehicle
    except InvalidVin:
        return Vehicle()
