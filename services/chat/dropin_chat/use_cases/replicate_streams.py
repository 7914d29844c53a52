"""Keeping the stream replica from `stream.*` events, which may arrive twice or out of order."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from dropin_common.events import Event
from dropin_common.timeutil import parse_iso

from ..domain.streams import StreamMembership
from ..ports import StreamReplicaWriter


def stream_from_snapshot(snapshot: dict[str, Any], occurred_at: datetime) -> StreamMembership:
    status = str(snapshot["status"])
    stream = StreamMembership(
        id=str(snapshot["id"]), version=int(snapshot["version"]), status=status,
        organization_id=snapshot.get("organizationId"), dealer_id=snapshot.get("dealerId"),
        ended_at=parse_iso(snapshot.get("stoppedAt")))
    if stream.has_ended and stream.ended_at is None:
        # An expiry may carry no stop time; the event's own time is the best we know.
        stream = replace(stream, ended_at=occurred_at)
    return stream


def apply_stream_event(event: Event, writer: StreamReplicaWriter) -> bool:
    """Returns whether the replica changed (an older or repeated snapshot changes nothing)."""
    return writer.save_if_newer(stream_from_snapshot(event.data["stream"], event.occurred_at))
