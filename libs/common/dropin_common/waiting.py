"""Waiting for a replica to catch up, without letting the waits hold the line.

A service that learns about another's data through events may be asked about something created a
moment ago that its replica has not heard of yet. Waiting a little is right for such a request,
but each wait holds a worker thread: `WaitSlots` bounds how many requests of a process wait at
once, and a request that finds no slot, or whose wait runs out while the answer may still come,
gets `ReplicaBehind`: a retryable 503 with Retry-After, never a wrong 404 or 403.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from collections.abc import Iterator

from .kernel import TryLater


class ReplicaBehind(TryLater):
    code = "replica_behind"

    def __init__(self, what: str = "this", retry_after: int = 1):
        super().__init__(f"We have not caught up with {what} yet; try again in a moment.",
                         retry_after=retry_after)


class WaitSlots:
    """At most `limit` concurrent waits per process; `acquire()` never blocks for a slot."""

    def __init__(self, limit: int):
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(max(1, limit)) if limit > 0 else None

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields whether a slot was free (then held until the block ends)."""
        semaphore = self._semaphore
        acquired = semaphore.acquire(blocking=False) if semaphore is not None else False
        try:
            yield acquired
        finally:
            if semaphore is not None and acquired:
                semaphore.release()
