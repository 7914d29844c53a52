"""The stream and its lifecycle.

    requested --accept--> streaming --stop--> completed
    requested --stop / ring timeout--> missed (missedReason "not_answered")
    (created) --closed / nobody online--> missed at once (missedReason "closed" / "nobody_online")
    streaming --ping timeout--> expired

Every change bumps `version`, so consumers of stream events can drop an older snapshot that
arrives after a newer one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from dropin_common.kernel import Conflict

from .vehicle import Vehicle

REQUESTED = "requested"
STREAMING = "streaming"
MISSED = "missed"
COMPLETED = "completed"
EXPIRED = "expired"
ALL_STATUSES = (REQUESTED, STREAMING, MISSED, COMPLETED, EXPIRED)
ENDED_STATUSES = frozenset({MISSED, COMPLETED, EXPIRED})

# stoppedBy: "system" (the worker's timeouts) or the caller's role on the stream
# (domain.access.StreamRole: shopper, dealer, colleague, admin).
STOPPED_BY_SYSTEM = "system"

LOG_TYPES = ("pusher", "push")

# Why a stream was missed: outside business hours, nobody to ring, or rung and not answered.
MISSED_CLOSED = "closed"
MISSED_NOBODY_ONLINE = "nobody_online"
MISSED_NOT_ANSWERED = "not_answered"


@dataclass(frozen=True)
class DealerRef:
    """The accepting dealer as stream events show them."""
    id: str
    first_name: str | None
    last_name: str | None


@dataclass(frozen=True)
class StreamLog:
    """A client-side delivery report (a Pusher or push notification code)."""
    type: str
    code: int
    at: datetime


@dataclass(frozen=True)
class Stream:
    id: str
    organization_id: str
    organization_code: str
    organization_name: str
    vin: str
    vehicle: Vehicle
    token_hash: str
    requested_at: datetime
    status: str = REQUESTED
    version: int = 1
    dealer: DealerRef | None = None
    accepted_at: datetime | None = None
    stopped_at: datetime | None = None
    stopped_by: str | None = None
    note: str | None = None
    logs: tuple[StreamLog, ...] = field(default=())
    missed_reason: str | None = None
    rung_dealer_ids: tuple[str, ...] = ()  # the dealers whose apps rang for it

    @property
    def dealers_rung(self) -> int:
        return len(self.rung_dealer_ids)

    @property
    def dealer_id(self) -> str | None:
        return self.dealer.id if self.dealer else None

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def duration_seconds(self) -> int | None:
        """Seconds of actual streaming; None when nobody ever accepted."""
        if self.accepted_at is None or self.stopped_at is None:
            return None
        return max(0, int((self.stopped_at - self.accepted_at).total_seconds()))

    def accept(self, dealer: DealerRef, at: datetime) -> Stream:
        if self.status != REQUESTED:
            raise Conflict(f"The stream is {self.status}; only a requested stream can be accepted.",
                           code="stream_not_requested")
        return self._next(status=STREAMING, dealer=dealer, accepted_at=at)

    def stop(self, stopped_by: str, at: datetime) -> Stream:
        """requested -> missed, streaming -> completed. Callers check `has_ended` first (stop is idempotent)."""
        if self.status == REQUESTED:
            return self._next(status=MISSED, stopped_at=at, stopped_by=stopped_by,
                              missed_reason=MISSED_NOT_ANSWERED)
        if self.status == STREAMING:
            return self._next(status=COMPLETED, stopped_at=at, stopped_by=stopped_by)
        raise Conflict(f"The stream has already ended ({self.status}).", code="stream_ended")

    def expire(self, at: datetime) -> Stream:
        """The dealer stopped pinging while streaming."""
        if self.status != STREAMING:
            raise Conflict(f"Only a streaming stream can expire, this one is {self.status}.",
                           code="stream_not_streaming")
        return self._next(status=EXPIRED, stopped_at=at, stopped_by=STOPPED_BY_SYSTEM)

    def miss(self, at: datetime) -> Stream:
        """Nobody accepted within the ring timeout."""
        if self.status != REQUESTED:
            raise Conflict(f"Only a requested stream can be missed, this one is {self.status}.",
                           code="stream_not_requested")
        return self._next(status=MISSED, stopped_at=at, stopped_by=STOPPED_BY_SYSTEM,
                          missed_reason=MISSED_NOT_ANSWERED)

    def miss_at_once(self, reason: str, at: datetime) -> Stream:
        """Nobody can answer (closed, or nobody online): missed without ringing anyone."""
        if self.status != REQUESTED or self.rung_dealer_ids:
            raise Conflict("Only a stream that rang nobody can be missed at once.", code="stream_not_requested")
        return self._next(status=MISSED, stopped_at=at, stopped_by=STOPPED_BY_SYSTEM, missed_reason=reason)

    def with_note(self, note: str) -> Stream:
        if not self.has_ended:
            raise Conflict("A note can only be added once the stream has ended.", code="stream_not_ended")
        return self._next(note=note)

    def _next(self, **changes: Any) -> Stream:
        return replace(self, version=self.version + 1, **changes)
