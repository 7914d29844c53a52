"""What the use cases need from the outside world, as small abstract classes."""
from __future__ import annotations

import abc
from collections.abc import Callable

from dropin_common.ports import Outbox, UnitOfWork as BaseUnitOfWork

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


class ChatUnitOfWork(BaseUnitOfWork):
    """One transaction: `with uow: ...; uow.commit()`; leaving without commit rolls back."""
    messages: MessageRepository
    outbox: Outbox



UnitOfWorkFactory = Callable[[], ChatUnitOfWork]


class StreamReplicaWriter(abc.ABC):
    """Write side of the replica, used by the consumer on the event's own transaction."""

    @abc.abstractmethod
    def save_if_newer(self, stream: StreamMembership) -> bool:
        """Inserts, or replaces a strictly older version; False when the stored one is as new."""
