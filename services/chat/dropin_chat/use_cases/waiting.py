"""Waiting briefly for the stream replica to catch up, only when it can help.

The shopper learns a stream id from `POST /streams/request` and may post a chat message before
`stream.requested` has travelled outbox -> broker -> our consumer; a dealer may write right after
accepting, before `stream.accepted` arrived. Stream ids are UUIDv7s, so they tell their age:
- an id we do not know that is old, or not a UUIDv7 at all, is answered 404 at once: the replica
  has had all the time it needs, and made-up ids cost no waiting;
- for a just-created id the request waits a little, in one of a few wait slots per process (so
  waits never take every worker thread);
- if no slot is free, or the wait runs out, the answer is a retryable 503 (`replica_behind`), not
  a 404 or 403 that could be wrong for a stream that does exist.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dropin_common.ids import is_recent
from dropin_common.timeutil import utcnow
from dropin_common.waiting import ReplicaBehind, WaitSlots

from ..domain.streams import StreamMembership
from ..ports import StreamReplica


@dataclass(frozen=True)
class ReplicaWait:
    timeout_seconds: float = 2.0
    poll_seconds: float = 0.05
    # Ids younger than this may still be on their way to the replica.
    young_window: timedelta = timedelta(minutes=5)
    slots: WaitSlots = field(default_factory=lambda: WaitSlots(4))
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = utcnow


def wait_for_stream(replica: StreamReplica, stream_id: str, wait: ReplicaWait,
                    ready: Callable[[StreamMembership], bool] = lambda _stream: True,
                    ) -> StreamMembership | None:
    """The replica's stream once `ready(stream)` holds; the stream as it is (maybe None) when
    waiting cannot change the answer; ReplicaBehind when it might but did not (yet)."""
    stream = replica.get(stream_id)
    if stream is not None and ready(stream):
        return stream
    if not is_recent(stream_id, wait.now(), wait.young_window):
        return stream
    with wait.slots.slot() as free:
        if not free:
            raise ReplicaBehind("this stream")
        deadline = wait.monotonic() + wait.timeout_seconds
        while True:
            remaining = deadline - wait.monotonic()
            if remaining <= 0:
                raise ReplicaBehind("this stream")
            wait.sleep(min(wait.poll_seconds, remaining))
            stream = replica.get(stream_id)
            if stream is not None and ready(stream):
                return stream
