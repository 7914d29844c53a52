"""What chat knows about a stream: a replica of the streams service's snapshot, kept by events."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ENDED_STATUSES = frozenset({"completed", "missed", "expired"})


@dataclass(frozen=True)
class StreamMembership:
    id: str
    version: int
    status: str
    organization_id: str | None
    dealer_id: str | None
    ended_at: datetime | None

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    def is_closed_for_chat(self, now: datetime, grace: timedelta) -> bool:
        """An ended stream keeps its chat open for `grace`, for the goodbyes around the feedback
        form; after that, new messages are refused (history stays readable)."""
        if not self.has_ended:
            return False
        return self.ended_at is None or now - self.ended_at > grace

    def is_newer_than(self, other: StreamMembership | None) -> bool:
        return other is None or self.version > other.version
