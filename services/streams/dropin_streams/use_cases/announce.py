"""A stream change leaves the service twice, in the caller's transaction: as an integration event
for the broker and as a Pusher message for the apps listening on the given channels."""
from __future__ import annotations

from dropin_common.contracts.streams import STREAM_EVENT_BY_TYPE
from dropin_common.ports import PUSHER_DESTINATION, pusher_message

from ..domain.stream import Stream
from ..ports import UnitOfWork
from .snapshots import stream_payload, stream_snapshot


def announce(uow: UnitOfWork, event_type: str, stream: Stream, channels: list[str]) -> None:
    uow.outbox.publish(STREAM_EVENT_BY_TYPE[event_type](stream=stream_payload(stream)).to_event())
    if channels:
        uow.outbox.add(PUSHER_DESTINATION, event_type, pusher_message(channels, stream_snapshot(stream)))
