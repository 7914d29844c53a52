"""Ports every service's use cases share: the outbox and the unit of work's transaction contract.
Each service's own `ports.py` subclasses `UnitOfWork` to list its repositories."""
from __future__ import annotations

import abc
from typing import Any

from .events import Event


class Outbox(abc.ABC):
    """Messages leaving the service, written in the same transaction as the state change."""

    @abc.abstractmethod
    def publish(self, event: Event) -> None:
        """An integration event for the broker."""

    @abc.abstractmethod
    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None:
        """A message for another destination (`pusher`, `email`)."""


class UnitOfWork(abc.ABC):
    """One transaction: `with uow: ...; uow.commit()`. Leaving without commit rolls back."""

    outbox: Outbox

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


class RecordingOutbox(Outbox):
    """In-memory outbox for unit tests: what a use case sent, kept only if the work committed."""

    def __init__(self):
        self.pending: list[tuple[str, str, dict[str, Any]]] = []
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, event: Event) -> None:
        self.add("broker", event.type, event.to_envelope())

    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None:
        self.pending.append((destination, topic, payload))

    def commit(self) -> None:
        self.sent.extend(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [payload for destination, topic, payload in self.sent
                if destination == "broker" and (event_type is None or topic == event_type)]

    def messages(self, destination: str) -> list[tuple[str, dict[str, Any]]]:
        return [(topic, payload) for dest, topic, payload in self.sent if dest == destination]
