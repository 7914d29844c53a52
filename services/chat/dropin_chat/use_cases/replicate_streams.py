"""Keeping the stream replica from `stream.*` events, which may arrive twice or out of order."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dropin_common.contracts.streams import StreamEvent, StreamSnapshot

from ..domain.streams import StreamMembership
from ..ports import StreamReplicaWriter


def stream_from_snapshot(snapshot: StreamSnapshot, occurred_at: datetime) -> StreamMembership:
    stream = StreamMembership(
        id=snapshot.id, version=snapshot.version, status=snapshot.status,
        organization_id=snapshot.organization_id, dealer_id=snapshot.dealer_id, ended_at=snapshot.stopped_at)
    if stream.has_ended and stream.ended_at is None:
        # An expiry may carry no stop time; the event's own time is the best we know.
        stream = replace(stream, ended_at=occurred_at)
    return stream


def apply_stream_event(event: StreamEvent, writer: StreamReplicaWriter) -> bool:
    """Returns whether the replica changed (an older or repeated snapshot changes nothing)."""
    return writer.save_if_newer(stream_from_snapshot(event.stream, event.occurred_at))
