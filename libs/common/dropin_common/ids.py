"""Ids that tell their age: UUID version 7 (RFC 9562), a millisecond timestamp then 74 random bits.

Still unguessable (a stream id is the shopper's capability), and a service that has not yet heard
of an id can tell a just-created one (worth waiting for its replica to catch up) from an old or
made-up one (an honest 404 at once). Python's uuid module has uuid7 only from 3.14.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import datetime, timedelta, timezone


def new_id() -> str:
    """A new UUIDv7, as text."""
    millis = time.time_ns() // 1_000_000
    value = (millis & (2 ** 48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big") & (2 ** 80 - 1)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def created_at(value: str) -> datetime | None:
    """When a UUIDv7 was made; None for anything else (a UUIDv4, not a UUID)."""
    try:
        parsed = uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None
    if parsed.version != 7:
        return None
    return datetime.fromtimestamp((parsed.int >> 80) / 1000, tz=timezone.utc)


def is_recent(value: str, now: datetime, window: timedelta, skew: timedelta = timedelta(seconds=5)) -> bool:
    """Whether `value` is a UUIDv7 made within `window` before `now` (allowing clock `skew`)."""
    made = created_at(value)
    return made is not None and now - window <= made <= now + skew
