"""Channel authorization signatures, made by the `pusher` library itself (no network involved)."""
from __future__ import annotations

import pusher

from dropin_common.config import PusherSettings
from dropin_common.errors import BadRequest
from dropin_common.pusher_sink import pusher_client

from ..ports import ChannelSigner


class PusherChannelSigner(ChannelSigner):
    def __init__(self, client: pusher.Pusher):
        self._client = client

    @classmethod
    def from_settings(cls, settings: PusherSettings) -> PusherChannelSigner:
        return cls(pusher_client(settings))

    def authenticate(self, channel: str, socket_id: str, custom_data: dict | None = None) -> dict:
        try:
            return self._client.authenticate(channel=channel, socket_id=socket_id, custom_data=custom_data)
        except ValueError as exc:  # the library validates socket ids and channel names
            raise BadRequest(f"socket_id/channel_name: {exc}", code="invalid_channel_request",
                             field="socket_id") from None
