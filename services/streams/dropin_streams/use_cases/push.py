"""Push notifications to dealers' phones (Pusher Beams), through the outbox like the channel
messages: an app in the background holds no websocket, so a ring must also arrive as a push.

Row payload (destination `beams`, topic = what the push means):
    {"users": [dealer account ids], "expiresAt": ISO 8601, "body": Beams publish body}
The relay (adapters/beams_sink.py) turns `expiresAt` into each platform's time-to-live and does not
send a push whose moment has passed: a ring that arrives after the ring timeout must not ring.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from dropin_common.timeutil import iso

from ..domain.stream import Stream
from ..ports import UnitOfWork

BEAMS_DESTINATION = "beams"
RINGING = "stream.ringing"
NO_LONGER_RINGING = "stream.no_longer_ringing"
# A "stop ringing" push is useful while a ring could still be showing: at most one ring timeout.
NO_LONGER_RINGING_TTL = timedelta(minutes=5)


def push_ringing(uow: UnitOfWork, stream: Stream, expires_at: datetime) -> None:
    """Every dealer the stream rang gets a visible, sounding notification."""
    if not stream.rung_dealer_ids:
        return
    data = _data(RINGING, stream)
    title = f"Live walk-around request · {stream.organization_name}"
    text = " ".join(str(part) for part in (stream.vehicle.year, stream.vehicle.make, stream.vehicle.model)
                    if part) or f"VIN {stream.vin}"
    body = {
        "apns": {"aps": {"alert": {"title": title, "body": text}, "sound": "default",
                         "category": "STREAM_REQUEST"}, "data": data},
        "fcm": {"notification": {"title": title, "body": text}, "data": data,
                "android": {"priority": "high"}},
        "web": {"notification": {"title": title, "body": text}, "data": data},
    }
    _add(uow, RINGING, stream.rung_dealer_ids, body, expires_at)


def push_no_longer_ringing(uow: UnitOfWork, stream: Stream, now: datetime,
                           except_dealer: str | None = None) -> None:
    """A silent push telling the apps of the dealers it rang (but `except_dealer`, who answered)
    to stop ringing: the stream was accepted, missed or stopped."""
    users = [dealer for dealer in stream.rung_dealer_ids if dealer != except_dealer]
    if not users:
        return
    data = {**_data(NO_LONGER_RINGING, stream), "status": stream.status}
    # No web part: a browser cannot take a silent push (its page hears the channel message).
    body = {"apns": {"aps": {"content-available": 1}, "data": data}, "fcm": {"data": data}}
    _add(uow, NO_LONGER_RINGING, users, body, now + NO_LONGER_RINGING_TTL)


def _data(kind: str, stream: Stream) -> dict[str, str]:
    # FCM data values must be strings.
    return {"type": kind, "streamId": stream.id, "organizationId": stream.organization_id}


def _add(uow: UnitOfWork, topic: str, users: Iterable[str], body: dict[str, Any], expires_at: datetime) -> None:
    uow.outbox.add(BEAMS_DESTINATION, topic, {"users": list(users), "expiresAt": iso(expires_at), "body": body})
