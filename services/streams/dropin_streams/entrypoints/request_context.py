"""What every streams view shares: the container of this app, and patience with the replica."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from dropin_common.errors import AppError

from ..bootstrap import Container

T = TypeVar("T")
REPLICA_POLL_SECONDS = 0.1


def container() -> Container:
    return current_app.extensions["dropin.streams"]


def replica_grace(call: Callable[[], T], refusal_code: str) -> T:
    """Runs `call`, retrying a refusal that may only mean the replica has not yet heard of a
    change auth just made (an organization created, a dealer activated a moment ago)."""
    deadline = time.monotonic() + container().settings.replica_grace_seconds
    while True:
        try:
            return call()
        except AppError as exc:
            if exc.code != refusal_code or time.monotonic() >= deadline:
                raise
        time.sleep(REPLICA_POLL_SECONDS)

