"""A shopper asks for a live walk-around: the stream is created and every online, active dealer
of the organization starts ringing (channel message and push). Outside business hours, or with
nobody online, the request is answered `missed` at once instead of ringing into the void."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dropin_common.kernel import NotFound
from dropin_common.events import STREAM_REQUESTED
from dropin_common.ids import new_id

from ..domain import channels
from ..domain.availability import Presence, availability_at, business_hours_of
from ..domain.replica import Organization
from ..domain.stream import Stream
from ..domain.tokens import new_secret, sha256_hex
from ..domain.vehicle import InvalidVin, Vehicle
from ..ports import UnitOfWork, VinDecoder
from .announce import announce
from .push import push_ringing
from .stop_stream import announce_stopped


@dataclass(frozen=True)
class RequestStream:
    organization_code: str
    vin: str
    make: str | None = None
    model: str | None = None
    type: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Ringing:
    """How long a request rings (also the push's time-to-live) and who counts as online."""
    ring_timeout: timedelta = timedelta(seconds=60)
    presence: Presence = Presence()


@dataclass(frozen=True)
class StreamRequested:
    stream: Stream
    stream_token: str  # shown once; only its hash is stored
    notified_dealers: int
    next_open_at: datetime | None = None  # when a `closed` organization opens next


def request_stream(uow: UnitOfWork, decoder: VinDecoder, command: RequestStream,
                   now: datetime, ringing: Ringing = Ringing()) -> StreamRequested:
    vin = command.vin.strip().upper()
    vehicle = _decoded_vehicle(decoder, vin).overridden_by(
        make=command.make, model=command.model, type=command.type, year=command.year)
    token = new_secret()
    with uow:
        organization = active_organization(uow, command.organization_code)
        stream = Stream(id=new_id(), organization_id=organization.id,
                        organization_code=organization.code, organization_name=organization.name,
                        vin=vin, vehicle=vehicle, token_hash=sha256_hex(token), requested_at=now)
        hours = business_hours_of(organization)
        # Closed: nobody is looked up, nobody rings.
        dealers = (uow.accounts.online_active_dealers(organization.id, ringing.presence.alive_since(now))
                   if hours.is_open(now) else [])
        availability = availability_at(hours, len(dealers), now)
        if availability.missed_reason:
            missed = _missed_at_once(uow, stream, availability.missed_reason, now)
            uow.commit()
            return StreamRequested(missed, token, 0, availability.next_open_at)
        stream = replace(stream, rung_dealer_ids=tuple(dealer.id for dealer in dealers))
        uow.streams.add(stream)
        announce(uow, STREAM_REQUESTED, stream,
                 [channels.organization_channel(organization.id)]
                 + [channels.dealer_channel(dealer.id) for dealer in dealers])
        push_ringing(uow, stream, expires_at=now + ringing.ring_timeout)
        uow.commit()
    return StreamRequested(stream=stream, stream_token=token, notified_dealers=len(dealers))


def active_organization(uow: UnitOfWork, code: str) -> Organization:
    organization = uow.organizations.by_code(code)
    if organization is None or not organization.active:
        raise NotFound(f"No active organization has the code {code!r}.", code="organization_not_found")
    return organization


def _missed_at_once(uow: UnitOfWork, stream: Stream, reason: str, now: datetime) -> Stream:
    """Stored missed; the same stream.requested and stream.stopped events as a stream that rang,
    so every read model counts it, and no channel message (nobody is listening for it)."""
    missed = stream.miss_at_once(reason, now)
    uow.streams.add(missed)
    announce(uow, STREAM_REQUESTED, stream, [])
    announce_stopped(uow, missed, channels_too=False)
    return missed


def _decoded_vehicle(decoder: VinDecoder, vin: str) -> Vehicle:
    # Decoding is best effort: a listing with a pre-1981 or otherwise non-standard VIN still gets
    # its walk-around, described by the fields the caller sent.
    try:
        return decoder.decode(vin).vehicle
    except InvalidVin:
        return Vehicle()
