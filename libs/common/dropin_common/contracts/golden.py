"""Golden examples: one JSON envelope per event type and version in `golden/<type>.v<version>.json`.

Producers' tests compare what they wrote to the outbox with the example (`assert_matches_golden`);
consumers' tests feed every example they subscribe to into their handlers. Ids and times differ
between runs, so what is compared is the shape: the same keys at every level, and the same JSON
type wherever both sides are not null. A producer that adds, drops or retypes a field fails until
the change gets a new version (a new class and example) or, for a compatible change, a new example.
"""
from __future__ import annotations

import dataclasses
import json
import typing
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from ..events import Event
from ..timeutil import utcnow
from . import CONTRACTS, EventContract, contract_for, parse
from .base import _fields, _optional

GOLDEN_DIR = Path(__file__).parent / "golden"
# Envelope members that may or may not be there (a correlation id comes from the request).
OPTIONAL_ENVELOPE_KEYS = ("correlationId",)


def golden_path(event_type: str, version: int) -> Path:
    return GOLDEN_DIR / f"{event_type}.v{version}.json"


@cache
def _golden_text(event_type: str, version: int) -> str:
    return golden_path(event_type, version).read_text()


def golden_envelope(event_type: str, version: int = 1) -> dict[str, Any]:
    """A fresh copy of the golden envelope (callers may change it)."""
    envelope: dict[str, Any] = json.loads(_golden_text(event_type, version))
    return envelope


def golden_event(event_type: str, version: int = 1) -> Event:
    return Event.from_envelope(golden_envelope(event_type, version))


def golden_examples(bindings: tuple[str, ...] | None = None) -> list[tuple[str, int]]:
    """(type, version) of every contract, or of those a queue with these bindings receives."""
    from ..topology import binding_pattern
    keys = sorted(CONTRACTS)
    if bindings is None:
        return keys
    return [key for key in keys if any(binding_pattern(b).fullmatch(key[0]) for b in bindings)]


def shape(value: Any) -> Any:
    """The JSON shape: objects keep their keys, arrays the shape of their first item, scalars
    become their JSON type name; null stays None (it matches any type)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return ["array", shape(value[0])] if value else ["array"]
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def shape_differences(actual: Any, expected: Any, path: str = "") -> list[str]:
    if actual is None or expected is None:
        return []
    if isinstance(actual, dict) and isinstance(expected, dict):
        problems = [f"{path}.{key}: not in the golden example" for key in actual.keys() - expected.keys()]
        problems += [f"{path}.{key}: missing" for key in expected.keys() - actual.keys()]
        for key in actual.keys() & expected.keys():
            problems += shape_differences(actual[key], expected[key], f"{path}.{key}")
        return problems
    if isinstance(actual, list) and isinstance(expected, list):
        if len(actual) < 2 or len(expected) < 2:  # an empty array matches any array
            return [] if actual[0] == expected[0] == "array" else [f"{path}: not an array"]
        return shape_differences(actual[1], expected[1], f"{path}[]")
    return [] if actual == expected else [f"{path}: {actual} where the golden example has {expected}"]


def golden_mismatches(envelope: dict[str, Any]) -> list[str]:
    """Why `envelope` (as written to the outbox) does not match its golden example; [] if it does.
    Its payload must also parse into its contract class."""
    event_type, version = str(envelope.get("type")), envelope.get("version")
    cls = contract_for(event_type, version) if isinstance(version, int) else None
    if cls is None or not isinstance(version, int):
        return [f"no contract for {event_type} version {version}"]
    if not golden_path(event_type, version).exists():
        return [f"no golden example {golden_path(event_type, version).name}"]
    try:
        cls.from_event(Event.from_envelope(envelope))
    except ValueError as exc:
        return [f"breaks its contract: {exc}"]
    actual, expected = (_opaque({k: v for k, v in each.items() if k not in OPTIONAL_ENVELOPE_KEYS}, cls)
                        for each in (envelope, golden_envelope(event_type, version)))
    return [f"{event_type} v{version}: {problem}" for problem in shape_differences(shape(actual), shape(expected))]


def _opaque(envelope: dict[str, Any], cls: type) -> dict[str, Any]:
    """The envelope with each free-form object of the contract (`dict[str, Any]`, e.g. business
    hours keyed by weekday) replaced by a marker: its keys are data, not shape."""
    envelope = json.loads(json.dumps(envelope))

    def walk(value: Any, payload_cls: type) -> None:
        if not isinstance(value, dict):
            return
        for _name, key, tp, _default in _fields(payload_cls):
            inner = _optional(tp) or tp
            if key not in value or value[key] is None:
                continue
            if inner is dict or typing.get_origin(inner) is dict:
                value[key] = "object"
            elif isinstance(inner, type) and dataclasses.is_dataclass(inner):
                walk(value[key], inner)
    walk(envelope.get("data"), cls)
    return envelope


def assert_matches_golden(envelope: dict[str, Any]) -> None:
    problems = golden_mismatches(envelope)
    assert not problems, "\n".join(problems)


def example_event(event_type: str, *, event_version: int = 1, occurred_at: datetime | None = None,
                  **changes: Any) -> Event:
    """The golden event as a new event (fresh id), with `changes` (JSON keys) merged into its
    snapshot (the one object member of `data`, e.g. `stream`), or into `data` if it has none."""
    data = golden_envelope(event_type, event_version)["data"]
    members = [value for value in data.values() if isinstance(value, dict)]
    (members[0] if len(members) == 1 else data).update(changes)
    return Event(type=event_type, data=data, version=event_version, occurred_at=occurred_at or utcnow())


def example(event_type: str, *, event_version: int = 1, occurred_at: datetime | None = None,
            **changes: Any) -> EventContract:
    """`example_event`, parsed into its contract class (what a consumer's handler receives)."""
    return parse(example_event(event_type, event_version=event_version, occurred_at=occurred_at, **changes))
