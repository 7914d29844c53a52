"""The one JSON shape of a message: HTTP responses, the Pusher event and `chat.message_saved`."""
from __future__ import annotations

from typing import Any

from dropin_common.timeutil import iso

from ..domain.messages import ChatMessage


def message_snapshot(message: ChatMessage) -> dict[str, Any]:
    return {"id": message.id, "streamId": message.stream_id, "from": message.sender,
            "message": message.text, "createdAt": iso(message.created_at)}
