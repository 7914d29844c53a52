"""Integration events: the envelope and every event type the services exchange.

Envelope: {"id", "type", "occurredAt", "version", "data"}, plus "correlationId" when the event was
caused by a request or by another event (see dropin_common.logs); routing key = type.
Payloads carry full snapshots so a consumer never calls the producer back. Snapshots carry
`updatedAt` (accounts, organizations) or a monotonically increasing `version` (streams) so a
consumer can drop an older event that arrives after a newer one.

The type names are below; each type's `data`, version by version, is a typed class in
`dropin_common.contracts` (auth.py, streams.py, chat.py: one module per producer) with a golden
example in `contracts/golden/<type>.v<version>.json`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .timeutil import iso, parse_iso, utcnow

ENVELOPE_VERSION = 1
# The inbox stores ids in 64 characters and the outbox topics in 200.
MAX_ID_LENGTH = 64
MAX_TYPE_LENGTH = 200

ACCOUNT_REGISTERED = "account.registered"
ACCOUNT_UPDATED = "account.updated"
ACCOUNT_PRESENCE_CHANGED = "account.presence_changed"
ACCOUNT_TOKENS_REVOKED = "account.tokens_revoked"
ORGANIZATION_CREATED = "organization.created"
ORGANIZATION_UPDATED = "organization.updated"
STREAM_REQUESTED = "stream.requested"
STREAM_ACCEPTED = "stream.accepted"
STREAM_STOPPED = "stream.stopped"
STREAM_NOTED = "stream.noted"
LEAD_CREATED = "lead.created"
DEALER_PRESENCE_LAPSED = "dealer.presence_lapsed"
CHAT_MESSAGE_SAVED = "chat.message_saved"


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=utcnow)
    version: int = ENVELOPE_VERSION
    correlation_id: str | None = None

    def to_envelope(self) -> dict[str, Any]:
        envelope = {"id": self.id, "type": self.type, "occurredAt": iso(self.occurred_at),
                    "version": self.version, "data": self.data}
        if self.correlation_id:
            envelope["correlationId"] = self.correlation_id
        return envelope

    @classmethod
    def from_envelope(cls, body: Any) -> Event:
        """The event in a decoded envelope; ValueError naming what is wrong with anything else."""
        if not isinstance(body, dict):
            raise ValueError("not an event envelope: not a JSON object")
        event_id, event_type = body.get("id"), body.get("type")
        data, version = body.get("data"), body.get("version", ENVELOPE_VERSION)
        if not isinstance(event_id, str) or not 0 < len(event_id) <= MAX_ID_LENGTH:
            raise ValueError(f"not an event envelope: id must be a string of 1-{MAX_ID_LENGTH} characters")
        if not isinstance(event_type, str) or not 0 < len(event_type) <= MAX_TYPE_LENGTH:
            raise ValueError(f"not an event envelope: type must be a string of 1-{MAX_TYPE_LENGTH} characters")
        if not isinstance(data, dict):
            raise ValueError("not an event envelope: data must be a JSON object")
        if isinstance(version, bool) or not isinstance(version, int):
            raise ValueError("not an event envelope: version must be an integer")
        try:
            occurred_at = parse_iso(body["occurredAt"])
            if occurred_at is None:
                raise ValueError("empty")
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an event envelope: occurredAt: {exc!r}") from exc
        return cls(type=event_type, data=data, id=event_id, occurred_at=occurred_at, version=version,
                   correlation_id=_optional_str(body.get("correlationId")))


def _optional_str(value: Any) -> str | None:
    return str(value)[:200] if value not in (None, "") else None
