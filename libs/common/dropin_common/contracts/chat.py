"""The events chat publishes."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import ClassVar

from .. import events as names
from .base import EventContract, Payload


@dataclasses.dataclass(frozen=True, kw_only=True)
class ChatMessage(Payload):
    id: str
    stream_id: str
    sender: str = dataclasses.field(metadata={"json": "from"})  # shopper | dealer
    message: str
    created_at: datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class ChatMessageSaved(EventContract):
    TYPE: ClassVar[str] = names.CHAT_MESSAGE_SAVED
    message: ChatMessage


CONTRACTS = (ChatMessageSaved,)
