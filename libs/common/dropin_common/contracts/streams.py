"""The events streams publishes: stream changes, leads, and dealers who stopped pinging."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import ClassVar

from .. import events as names
from .base import EventContract, Payload


@dataclasses.dataclass(frozen=True, kw_only=True)
class Vehicle(Payload):
    make: str | None
    model: str | None
    type: str | None
    year: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class DealerRef(Payload):
    id: str
    first_name: str | None
    last_name: str | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class StreamSnapshot(Payload):
    """`version` grows with every change of the stream: a consumer keeps the highest.
    stoppedBy: shopper | dealer (its own) | colleague | admin | system (the worker) | null while live.
    missedReason (missed only): closed | nobody_online (both missed at once, without ringing) |
    not_answered. dealersRung: how many dealers the request rang (0 when missed at once)."""
    id: str
    version: int
    organization_id: str
    organization_code: str | None
    organization_name: str | None
    vin: str | None
    vehicle: Vehicle
    status: str  # requested | streaming | completed | missed | expired
    dealer_id: str | None
    dealer: DealerRef | None
    requested_at: datetime | None
    accepted_at: datetime | None
    stopped_at: datetime | None
    stopped_by: str | None
    note: str | None
    duration_seconds: int | None
    missed_reason: str | None = None
    dealers_rung: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class StreamRequested(EventContract):
    """Also for a stream missed at once (version 1), followed by its stream.stopped."""
    TYPE: ClassVar[str] = names.STREAM_REQUESTED
    stream: StreamSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class StreamAccepted(EventContract):
    TYPE: ClassVar[str] = names.STREAM_ACCEPTED
    stream: StreamSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class StreamStopped(EventContract):
    TYPE: ClassVar[str] = names.STREAM_STOPPED
    stream: StreamSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class StreamNoted(EventContract):
    TYPE: ClassVar[str] = names.STREAM_NOTED
    stream: StreamSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class LeadSnapshot(Payload):
    id: str
    stream_id: str | None  # null: feedback on a vehicle, without a call
    organization_id: str
    organization_name: str | None
    vin: str | None
    vehicle: Vehicle
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    comment: str | None
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class LeadCreated(EventContract):
    TYPE: ClassVar[str] = names.LEAD_CREATED
    lead: LeadSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class DealerPresenceLapsed(EventContract):
    """A dealer switched online sent no ping for timeoutSeconds since lastSeenAt (its last ping, or
    its switch online). Auth switches it offline unless it changed since lastSeenAt."""
    TYPE: ClassVar[str] = names.DEALER_PRESENCE_LAPSED
    account_id: str
    organization_id: str | None
    last_seen_at: datetime
    timeout_seconds: int


StreamEvent = StreamRequested | StreamAccepted | StreamStopped | StreamNoted
STREAM_EVENTS = (StreamRequested, StreamAccepted, StreamStopped, StreamNoted)
STREAM_EVENT_BY_TYPE: dict[str, type[StreamEvent]] = {cls.TYPE: cls for cls in STREAM_EVENTS}
CONTRACTS = (*STREAM_EVENTS, LeadCreated, DealerPresenceLapsed)
