"""Pusher Beams: the client (with a timeout, and plain http for a local stand-in), the outbox sink
that publishes push rows (see use_cases/push.py), and the token the Beams SDK asks for."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from pusher_push_notifications import (
    PushNotifications, PusherAuthError, PusherMissingInstanceError, PusherServerError,
    PusherValidationError)

from dropin_common.config import env_bool, env_str
from dropin_common.outbound_http import with_proxies_read_once
from dropin_common.outbox import SinkUnavailable, Undeliverable
from dropin_common.timeutil import parse_iso, utcnow

log = logging.getLogger(__name__)

MAX_USERS_PER_PUBLISH = 1000  # Beams' limit for publish_to_users
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class BeamsSettings:
    instance_id: str | None
    secret_key: str | None
    endpoint: str | None = None  # host[:port]; default: <instance>.pushnotifications.pusher.com
    ssl: bool = True

    @classmethod
    def from_env(cls) -> BeamsSettings:
        return cls(instance_id=env_str("BEAMS_INSTANCE_ID", "") or None,
                   secret_key=env_str("BEAMS_SECRET_KEY", "") or None,
                   endpoint=env_str("BEAMS_ENDPOINT", "") or None, ssl=env_bool("BEAMS_SSL", True))

    @property
    def enabled(self) -> bool:
        return bool(self.instance_id and self.secret_key)


class _Transport(requests.adapters.HTTPAdapter):
    """The library sends without a timeout and always over https; this adds a timeout and, for
    a local stand-in (BEAMS_SSL=false), speaks plain http to the same host."""

    def __init__(self, plain_http: bool):
        super().__init__()
        self._plain_http = plain_http

    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT_SECONDS
        if self._plain_http and request.url.startswith("https://"):
            request.url = "http://" + request.url[len("https://"):]
        return super().send(request, **kwargs)


def beams_client(settings: BeamsSettings) -> PushNotifications | None:
    """None when pushes are off (no instance id or secret key)."""
    if not settings.enabled:
        return None
    client = PushNotifications(instance_id=settings.instance_id, secret_key=settings.secret_key,
                               endpoint=settings.endpoint)
    client.session.mount("https://", _Transport(plain_http=not settings.ssl))
    scheme = "https" if settings.ssl else "http"
    with_proxies_read_once(client.session, f"{scheme}://{client.endpoint}/")
    return client


class BeamsSink:
    """Publishes `beams` outbox rows. A row whose `expiresAt` has passed is dropped, not sent:
    a ring arriving after the ring timeout would ring for a stream nobody can answer any more."""

    def __init__(self, client: PushNotifications, clock=utcnow):
        self._client = client
        self._clock = clock

    def send(self, topic: str, payload: dict[str, Any]) -> None:
        expires_at = parse_iso(payload["expiresAt"])
        remaining = int((expires_at - self._clock()).total_seconds())
        if remaining <= 0:
            log.info("beams push %s expired before it could be sent; dropped", topic)
            return
        body = with_time_to_live(payload["body"], expires_at, remaining)
        users = payload["users"]
        try:
            for start in range(0, len(users), MAX_USERS_PER_PUBLISH):
                self._client.publish_to_users(users[start:start + MAX_USERS_PER_PUBLISH], body)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise SinkUnavailable(f"beams unreachable: {exc!r}") from exc
        except (PusherAuthError, PusherMissingInstanceError) as exc:
            # A wrong key or instance: every row would fail alike, so wait rather than discard.
            raise SinkUnavailable(f"beams refused the instance: {exc}") from exc
        except PusherServerError as exc:
            raise SinkUnavailable(f"beams answered {exc}") from exc
        except (PusherValidationError, TypeError, ValueError) as exc:
            raise Undeliverable(f"beams refused the push: {exc}") from exc

    def idle(self, seconds: float) -> None:
        pass


def with_time_to_live(body: dict[str, Any], expires_at: datetime, remaining_seconds: int) -> dict[str, Any]:
    """Each platform's own expiry: APNs an absolute epoch, FCM and web push seconds from now."""
    body = {platform: dict(part) for platform, part in body.items()}
    if "apns" in body:
        body["apns"]["expiration"] = int(expires_at.timestamp())
    if "fcm" in body:
        body["fcm"]["time_to_live"] = remaining_seconds
    if "web" in body:
        body["web"]["time_to_live"] = remaining_seconds
    return body


class NoPushSink:
    """Pushes are off (no BEAMS_INSTANCE_ID / BEAMS_SECRET_KEY): rows are marked handled unsent,
    so they never pile up, and the relay said so when it started."""

    def send(self, topic: str, payload: dict[str, Any]) -> None:
        pass

    def idle(self, seconds: float) -> None:
        pass
