"""A stream change leaves the service twice, in the caller's transaction: as an integration event
for the broker and as a Pusher message for the apps listening on the given channels."""
from __future__ import annotations

from dropin_common.events import Event
from dropin_common.ports import PUSHER_DESTINATION, pusher_message

from ..domain.stream import Stream
from ..ports import UnitOfWork
from .snapshots import stream_snapshot


def announce(uow: UnitOfWork, event_type: str, stream: Stream, channels: list[str]) -> None:
    snapshot = stream_snapshot(stream)
    uow.outbox.publish(Event(type=event_type, data={"stream": snapshot}))
    if channels:
        uow.outbox.add(PUSHER_DESTINATION, event_type, pusher_message(channels, snapshot))
