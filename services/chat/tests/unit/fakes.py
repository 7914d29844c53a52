"""In-memory adapters for the use cases: the same ports as the SQL ones, no database."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from dropin_common.events import Event

from dropin_chat.domain.messages import ChatMessage
from dropin_chat.domain.streams import StreamMembership
from dropin_chat.ports import (ChatUnitOfWork, MessageRepository, Outbox, StreamReplica,
                               StreamReplicaWriter)
from dropin_chat.use_cases.waiting import ReplicaWait
from dropin_common.waiting import WaitSlots


class InMemoryStore:
    def __init__(self) -> None:
        self.streams: dict[str, StreamMembership] = {}
        self.messages: list[ChatMessage] = []
        self.outbox: list[tuple[str, str, dict[str, Any]]] = []


class FakeReplica(StreamReplica, StreamReplicaWriter):
    def __init__(self, store: InMemoryStore):
        self.store = store
        self.reads = 0

    def get(self, stream_id: str) -> StreamMembership | None:
        self.reads += 1
        return self.store.streams.get(stream_id)

    def save_if_newer(self, stream: StreamMembership) -> bool:
        if not stream.is_newer_than(self.store.streams.get(stream.id)):
            return False
        self.store.streams[stream.id] = stream
        return True


class FakeMessages(MessageRepository):
    def __init__(self, pending: list[ChatMessage], committed: list[ChatMessage]):
        self._pending = pending
        self._committed = committed

    def add(self, message: ChatMessage) -> None:
        self._pending.append(message)

    def _of(self, stream_id: str) -> list[ChatMessage]:
        found = [m for m in self._committed if m.stream_id == stream_id]
        return sorted(found, key=lambda m: (m.created_at, m.id))

    def page(self, stream_id: str, start: int, limit: int) -> list[ChatMessage]:
        return self._of(stream_id)[start:start + limit]

    def count(self, stream_id: str) -> int:
        return len(self._of(stream_id))


class FakeOutbox(Outbox):
    def __init__(self, pending: list):
        self._pending = pending

    def publish(self, event: Event) -> None:
        self.add("broker", event.type, event.to_envelope())

    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None:
        self._pending.append((destination, topic, payload))


class FakeUnitOfWork(ChatUnitOfWork):
    """Writes become visible in the store only on commit, as with a real transaction."""

    def __init__(self, store: InMemoryStore):
        self._store = store
        self._messages: list[ChatMessage] = []
        self._outbox: list = []
        self.messages = FakeMessages(self._messages, store.messages)
        self.outbox = FakeOutbox(self._outbox)

    def commit(self) -> None:
        self._store.messages.extend(self._messages)
        self._store.outbox.extend(self._outbox)
        self.rollback()

    def rollback(self) -> None:
        self._messages.clear()
        self._outbox.clear()


class FakeTime:
    """A monotonic clock that only moves when someone sleeps; `on_sleep` lets a test act then."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep: Callable[[int], None] = lambda _count: None

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.sleeps += 1
        self.on_sleep(self.sleeps)

    def wait(self, timeout: float = 2.0) -> ReplicaWait:
        return ReplicaWait(timeout_seconds=timeout, poll_seconds=0.05, slots=WaitSlots(2),
                           monotonic=self.monotonic, sleep=self.sleep)


class FakeWallClock:
    def __init__(self, start: datetime = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)
