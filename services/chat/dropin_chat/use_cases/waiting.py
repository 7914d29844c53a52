"""Waiting briefly for the stream replica to catch up.

The shopper learns a stream id from `POST /streams/request` and may post a chat message before
`stream.requested` has travelled outbox -> broker -> our consumer. Answering 404 then would be
wrong, so reads poll the replica for a short while before deciding that a stream is unknown.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.streams import StreamMembership
from ..ports import StreamReplica


@dataclass(frozen=True)
class ReplicaWait:
    timeout_seconds: float = 2.0
    poll_seconds: float = 0.05
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def wait_for_stream(replica: StreamReplica, stream_id: str, wait: ReplicaWait,
                    ready: Callable[[StreamMembership], bool] = lambda _stream: True,
                    ) -> StreamMembership | None:
    """The replica's stream once `ready(stream)` holds, or its last state (maybe None) at timeout."""
    deadline = wait.monotonic() + wait.timeout_seconds
    while True:
        stream = replica.get(stream_id)
        if stream is not None and ready(stream):
            return stream
        remaining = deadline - wait.monotonic()
        if remaining <= 0:
            return stream
        wait.sleep(min(wait.poll_seconds, remaining))
