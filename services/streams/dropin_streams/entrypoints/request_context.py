"""What every streams view shares: the container of this app, patience with the replica, and a stream
answered as much as the caller may see."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app, jsonify

from dropin_common.errors import AppError
from dropin_common.waiting import ReplicaBehind, WaitSlots

from ..bootstrap import Container
from ..use_cases.lookups import StreamSeen
from ..use_cases.snapshots import stream_view_for
from .schemas import ShopperStreamAnswer, StreamAnswer

T = TypeVar("T")
REPLICA_POLL_SECONDS = 0.1


# How much of a stream an answer shows depends on the caller (snapshots.stream_view_for): the
# organization's side reads the whole stream, anyone else the shopper's view. Both schemas are
# registered by name when the app starts (http.create_app).
STREAM_FOR_CALLER = {"anyOf": [{"$ref": "#/components/schemas/StreamAnswer"},
                               {"$ref": "#/components/schemas/ShopperStreamAnswer"}]}


# Built once: a schema's construction costs more than its dump, and dumping keeps no state.
_ORGANIZATION_ANSWER, _SHOPPER_ANSWER = StreamAnswer(), ShopperStreamAnswer()


def stream_for_caller(seen: StreamSeen) -> Response:
    schema = _ORGANIZATION_ANSWER if seen.role.is_organization else _SHOPPER_ANSWER
    return jsonify(schema.dump(stream_view_for(seen.stream, seen.role)))


def container() -> Container:
    return current_app.extensions["dropin.streams"]


def replica_grace(call: Callable[[], T], refusal_code: str) -> T:
    """Runs `call`, retrying a refusal that may only mean the replica has not yet heard of a
    change auth just made (an organization created, a dealer activated a moment ago).

    The common case (no refusal) never waits. A wait holds a worker thread, so only a few requests
    per process wait at once (`replica_waiters`); a refusal that finds no free wait slot is
    answered with a retryable 503 instead, so a flood of unknown codes cannot take every thread
    (and starve, say, the dealers' pings)."""
    try:
        return call()
    except AppError as exc:
        if exc.code != refusal_code:
            raise
    settings = container().settings
    with wait_slots().slot() as free:
        if not free:
            raise ReplicaBehind("that change")
        deadline = time.monotonic() + settings.replica_grace_seconds
        while True:
            time.sleep(REPLICA_POLL_SECONDS)
            try:
                return call()
            except AppError as exc:
                if exc.code != refusal_code or time.monotonic() >= deadline:
                    raise


def wait_slots() -> WaitSlots:
    return current_app.extensions["dropin.streams.wait_slots"]

