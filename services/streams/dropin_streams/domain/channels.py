"""Pusher channel names, and reading a requested channel name back into what it is about."""
from __future__ import annotations

from dataclasses import dataclass

ORGANIZATION = "private-organization-"
DEALER = "private-dealer-"
STREAM = "private-stream-"
ORGANIZATION_PRESENCE = "presence-organization-"


def organization_channel(organization_id: str) -> str:
    return f"{ORGANIZATION}{organization_id}"


def dealer_channel(account_id: str) -> str:
    return f"{DEALER}{account_id}"


def stream_channel(stream_id: str) -> str:
    return f"{STREAM}{stream_id}"


@dataclass(frozen=True)
class ChannelRef:
    kind: str  # one of the prefixes above
    subject_id: str


def parse_channel(name: str) -> ChannelRef | None:
    """None for a channel this service does not authorize."""
    for prefix in (ORGANIZATION, DEALER, STREAM, ORGANIZATION_PRESENCE):
        if name.startswith(prefix) and len(name) > len(prefix):
            return ChannelRef(prefix, name[len(prefix):])
    return None
