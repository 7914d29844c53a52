"""What the use cases need from the outside world, as small abstract classes."""
from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

from dropin_common.events import Event

from .domain.messages import ChatMessage
from .domain.streams import StreamMembership


class StreamReplica(abc.ABC):
    """Read side of the stream replica; each call sees the latest committed state."""

    @abc.abstractmethod
    def get(self, stream_id: str) -> StreamMembership | None: ...


class MessageRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, message: ChatMessage) -> None:
        """Stores the message and counts it on its stream."""

    @abc.abstractmethod
    def page(self, stream_id: str, start: int, limit: int) -> list[ChatMessage]:
        """Oldest first: messages number start .. start+limit-1."""

    @abc.abstractmethod
    def count(self, stream_id: str) -> int: ...


class Outbox(abc.ABC):
    @abc.abstractmethod
    def publish(self, event: Event) -> None: ...

    @abc.abstractmethod
    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None: ...


class ChatUnitOfWork(abc.ABC):
    """One transaction: `with uow: ...; uow.commit()`; leaving without commit rolls back."""
    messages: MessageRepository
    outbox: Outbox

    def __enter__(self) -> "ChatUnitOfWork":
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], ChatUnitOfWork]


class StreamReplicaWriter(abc.ABC):
    """Write side of the replica, used by the consumer on the event's own transaction."""

    @abc.abstractmethod
    def save_if_newer(self, stream: StreamMembership) -> bool:
        """Inserts, or replaces a strictly older version; False when the stored one is as new."""
