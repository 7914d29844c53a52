"""Every integration event as a typed, versioned class, one module per producer (auth, streams,
chat), with a golden JSON example of each version in `golden/` (see `golden.py`).

    event = StreamRequested(stream=snapshot)      # a producer
    uow.outbox.publish(event.to_event())
    typed = parse(envelope_event)                 # a consumer's edge (EventProcessor does it)

A payload change is a new class with VERSION + 1 and a golden example of its own; consumers keep
handling the versions producers may still send (the outbox is replayed to rebuild read models).
"""
from __future__ import annotations

from ..events import Event
from . import auth, chat, streams
from .base import EventContract, Payload

CONTRACTS: dict[tuple[str, int], type[EventContract]] = {
    cls.key(): cls for cls in (*auth.CONTRACTS, *streams.CONTRACTS, *chat.CONTRACTS)}


def contract_for(event_type: str, version: int) -> type[EventContract] | None:
    return CONTRACTS.get((event_type, version))


def parse(event: Event) -> EventContract:
    """The typed event; ValueError naming the field if the payload breaks its contract, or if the
    type and version have none."""
    cls = contract_for(event.type, event.version)
    if cls is None:
        raise ValueError(f"no contract for {event.type} version {event.version}")
    return cls.from_event(event)


__all__ = ["CONTRACTS", "EventContract", "Payload", "contract_for", "parse", "auth", "chat", "streams"]
