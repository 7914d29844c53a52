"""Pusher through the outbox: requests queue `pusher` rows (`ports.pusher_message`), a relay
triggers them. The row's id is sent in the event's data as `eventId`."""
from __future__ import annotations

from typing import Any

import pusher
import requests
from pusher.errors import PusherBadAuth, PusherBadRequest, PusherBadStatus, PusherForbidden

from .config import PusherSettings
from .outbound_http import with_proxies_read_once
from .outbox import SinkUnavailable, Undeliverable

MAX_CHANNELS_PER_TRIGGER = 100  # Pusher's own limit


def pusher_client(settings: PusherSettings) -> pusher.Pusher:
    client = pusher.Pusher(app_id=settings.app_id, key=settings.key, secret=settings.secret,
                           host=settings.host, port=settings.port, ssl=settings.ssl, timeout=5)
    channels = client._pusher_client  # the library's own client: its host and its requests session
    with_proxies_read_once(channels.http.session, f"{'https' if channels.ssl else 'http'}://{channels.host}/")
    return client


class PusherSink:
    def __init__(self, client: pusher.Pusher):
        self._client = client

    def send(self, topic: str, payload: dict[str, Any]) -> None:
        channels = payload["channels"]
        data = payload["data"]
        if isinstance(data, dict) and payload.get("id"):
            data = {**data, "eventId": payload["id"]}
        try:
            for start in range(0, len(channels), MAX_CHANNELS_PER_TRIGGER):
                self._client.trigger(channels[start:start + MAX_CHANNELS_PER_TRIGGER], topic, data)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise SinkUnavailable(f"pusher unreachable: {exc!r}") from exc
        except (PusherBadAuth, PusherForbidden) as exc:
            # Wrong credentials, a disabled app, an exhausted quota: every row would fail alike.
            raise SinkUnavailable(f"pusher refused the app: {exc}") from exc
        except PusherBadRequest as exc:
            raise Undeliverable(f"pusher refused the message: {exc}") from exc
        except PusherBadStatus as exc:
            if str(exc)[:1] == "4":  # e.g. 413: this message, not Pusher, is the problem
                raise Undeliverable(f"pusher refused the message: {exc}") from exc
            raise SinkUnavailable(f"pusher answered {exc}") from exc  # 5xx: Pusher's side is ailing
        except ValueError as exc:  # the client library's own checks: data over 10 kB, a bad channel name
            raise Undeliverable(f"not a valid pusher message: {exc}") from exc

    def idle(self, seconds: float) -> None:
        pass
