"""A delivery: one message to one destination (a CRM mailbox, a manager, a webhook endpoint).

The delivery log is the relay's queue: a delivery is `pending` until its first try, `failed`
while tries fail and it is being retried, `sent` once delivered, `given_up` once set aside.
Each has a dedup key (kind, what it is about, where it goes) stored unique, so an event handled
twice, or two events about the same lead or stream, never make a second delivery.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KIND_CRM = "crm"
KIND_WEBHOOK = "webhook"
KIND_ALERT = "alert"
KINDS = (KIND_CRM, KIND_WEBHOOK, KIND_ALERT)

PENDING, FAILED, SENT, GIVEN_UP = "pending", "failed", "sent", "given_up"
STATUSES = (PENDING, FAILED, SENT, GIVEN_UP)

EMAIL = "email"  # outbox destinations: one relay process each
WEBHOOK = "webhook"


@dataclass(frozen=True)
class PlannedDelivery:
    kind: str
    organization_id: str
    target: str  # an e-mail address or a URL
    subject_id: str  # the lead or stream it is about
    event_type: str
    dedup_key: str
    destination: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    organization_id: str
    target: str
    subject_id: str
    event_type: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    given_up_at: datetime | None

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return SENT
        if self.given_up_at is not None:
            return GIVEN_UP
        return FAILED if self.attempts else PENDING


def dedup_key(kind: str, subject_id: str, target: str, event_type: str = "") -> str:
    return ":".join(part for part in (kind, event_type, subject_id, target.lower()) if part)
