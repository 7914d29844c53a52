"""A message as clients read it (HTTP answers, the Pusher event), and as `chat.message_saved`
carries it (the contract of dropin_common.contracts.chat, built separately)."""
from __future__ import annotations

from typing import Any

from dropin_common.contracts import chat as contracts
from dropin_common.timeutil import iso

from ..domain.messages import ChatMessage


def message_snapshot(message: ChatMessage) -> dict[str, Any]:
    return {"id": message.id, "streamId": message.stream_id, "from": message.sender,
            "message": message.text, "createdAt": iso(message.created_at)}


def message_payload(message: ChatMessage) -> contracts.ChatMessage:
    return contracts.ChatMessage(id=message.id, stream_id=message.stream_id, sender=message.sender,
                                 message=message.text, created_at=message.created_at)
