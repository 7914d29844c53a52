"""A chat message: who said what on which stream, and when (server time, UTC)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from dropin_common.kernel import InvalidInput

MAX_MESSAGE_LENGTH = 4000


@dataclass(frozen=True)
class ChatMessage:
    id: str
    stream_id: str
    sender: str
    text: str
    created_at: datetime

    @classmethod
    def new(cls, stream_id: str, sender: str, text: str, now: datetime) -> ChatMessage:
        return cls(id=str(uuid.uuid4()), stream_id=stream_id, sender=sender,
                   text=valid_text(text), created_at=now)


def valid_text(text: str | None) -> str:
    """The text as sent (not trimmed: whitespace may be meaningful), if it says anything."""
    if text is None:
        raise InvalidInput("message is required.", code="invalid_field", field="message")
    if not text.strip():
        raise InvalidInput("message must not be empty.", code="invalid_field", field="message")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise InvalidInput(f"message must be at most {MAX_MESSAGE_LENGTH} characters.",
                           code="invalid_field", field="message")
    return text
