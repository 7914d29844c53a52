"""Ports every service's use cases share: the outbox and the unit of work's transaction contract.
Each service's own `ports.py` subclasses `UnitOfWork` to list its repositories."""
from __future__ import annotations

import abc
import uuid
from typing import Any, Self

from .events import Event


class Outbox(abc.ABC):
    """Messages leaving the service, written in the same transaction as the state change."""

    @abc.abstractmethod
    def publish(self, event: Event) -> None:
        """An integration event for the broker."""

    @abc.abstractmethod
    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None:
        """A message for another destination (`pusher`, `email`)."""


PUSHER_DESTINATION = "pusher"


def pusher_message(channels: list[str], data: dict[str, Any]) -> dict[str, Any]:
    """A `pusher` outbox row's payload; the row's topic is the Pusher event name. The id, made now,
    reaches clients as the event's `eventId`: a message re-sent after a relay crash carries the same
    one, so a client can drop the repeat."""
    return {"channels": channels, "data": data, "id": str(uuid.uuid4())}


class UnitOfWork(abc.ABC):
    """One transaction: `with uow: ...; uow.commit()`. Leaving without commit rolls back."""

    outbox: Outbox

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
