"""The machinery of event contracts: typed, versioned payload classes that read and write their
own JSON, so a consumer parses an event once, at its edge, and a producer cannot write a field the
contract does not name.

A contract is a frozen dataclass. Its JSON keys are the camelCase of its field names (or
`field(metadata={"json": ...})`); a field with a default may be missing from older events. Types a
field may have: str, int, float, bool, datetime (ISO-8601 text on the wire), `X | None`, a nested
contract, `tuple[X, ...]` (a JSON array) and `dict[str, Any]` (a JSON object read as is).
"""
from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, ClassVar, Self

from ..events import Event
from ..timeutil import iso, parse_iso, utcnow

_MISSING = dataclasses.MISSING


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _fields(cls: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """(attribute, JSON key, type, has a default) of each payload field of `cls`."""
    return _fields_of(cls)


@cache
def _fields_of(cls: Any) -> tuple[tuple[str, str, Any, bool], ...]:  # Any: a class is hashable
    hints = typing.get_type_hints(cls)
    return tuple((f.name, f.metadata.get("json", _camel(f.name)), hints[f.name],
                  f.default is not _MISSING or f.default_factory is not _MISSING)
                 for f in dataclasses.fields(cls) if not f.metadata.get("envelope"))


def _field_decoders(cls: type) -> tuple[tuple[str, str, Callable[[Any, str], Any], bool], ...]:
    """As _fields, with each field's decoding function in place of its type."""
    return _field_decoders_of(cls)


@cache
def _field_decoders_of(cls: Any) -> tuple[tuple[str, str, Callable[[Any, str], Any], bool], ...]:
    return tuple((name, key, _decoder(tp), has_default) for name, key, tp, has_default in _fields(cls))


def _optional(tp: Any) -> Any | None:
    """X for `X | None`, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(rest) == 1 and len(typing.get_args(tp)) == 2:
            return rest[0]
    return None


def decode(tp: Any, value: Any, path: str) -> Any:
    """`value` (decoded JSON) as type `tp`; ValueError naming `path` if it is not one."""
    return _decoder(tp)(value, path)


@cache
def _decoder(tp: Any) -> Callable[[Any, str], Any]:
    """The decoding function of `tp`, worked out once per type: every consumer decodes every event,
    and asking `typing` what each field's type is, per field and per event, cost more than the rest."""
    inner = _optional(tp)
    if inner is not None:
        decode_inner = _decoder(inner)
        return lambda value, path: None if value is None else decode_inner(value, path)
    if tp is Any:
        return lambda value, _path: value
    if isinstance(tp, type) and issubclass(tp, Payload):
        return tp.from_data
    origin = typing.get_origin(tp)
    if origin is tuple:
        decode_item = _decoder(typing.get_args(tp)[0])

        def decode_tuple(value: Any, path: str) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise ValueError(f"{path}: expected an array, got {type(value).__name__}")
            return tuple(decode_item(element, f"{path}[{i}]") for i, element in enumerate(value))
        return decode_tuple
    if origin is dict or tp is dict:
        def decode_object(value: Any, path: str) -> dict[str, Any]:
            if not isinstance(value, dict):
                raise ValueError(f"{path}: expected an object, got {type(value).__name__}")
            return value
        return decode_object
    if tp is datetime:
        return _decode_moment
    if tp is float:
        def decode_float(value: Any, path: str) -> float:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            raise _wrong_type(tp, value, path)
        return decode_float
    if tp in (str, int, bool):
        def decode_scalar(value: Any, path: str) -> Any:
            if isinstance(value, tp) and (tp is bool or not isinstance(value, bool)):
                return value
            raise _wrong_type(tp, value, path)
        return decode_scalar

    def refuse(value: Any, path: str) -> Any:
        raise _wrong_type(tp, value, path)
    return refuse


def _decode_moment(value: Any, path: str) -> datetime:
    try:
        moment = parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(f"{path}: expected an ISO-8601 time, got {value!r}"[:200])
    return moment


def _wrong_type(tp: Any, value: Any, path: str) -> ValueError:
    return ValueError(f"{path}: expected {getattr(tp, '__name__', tp)}, got {type(value).__name__}")


def encode(value: Any) -> Any:
    if isinstance(value, Payload):
        return value.to_data()
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Payload:
    """A JSON object with typed fields (a snapshot inside an event, or an event's `data`)."""

    @classmethod
    def from_data(cls, data: Any, path: str = "data") -> Self:
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected an object, got {type(data).__name__}")
        values = {}
        for name, key, decode_field, has_default in _field_decoders(cls):
            if key in data:
                values[name] = decode_field(data[key], f"{path}.{key}")
            elif not has_default:
                raise ValueError(f"{path}.{key}: missing")
        return cls(**values)

    def to_data(self) -> dict[str, Any]:
        """Every field of the contract, null ones included: the same keys on every event."""
        return {key: encode(getattr(self, name)) for name, key, _tp, _default in _fields(type(self))}


def _envelope_field(default_factory: Callable[[], Any] | None = None, default: Any = None) -> Any:
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata={"envelope": True})
    return dataclasses.field(default=default, metadata={"envelope": True})


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventContract(Payload):
    """One version of one event type: its `data` fields, plus the envelope's id, time and
    correlation id (not part of `data`). `TYPE` is the routing key."""
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    event_id: str = _envelope_field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = _envelope_field(default_factory=utcnow)
    correlation_id: str | None = _envelope_field()

    @classmethod
    def key(cls) -> tuple[str, int]:
        """What a consumer's handler table is keyed by."""
        return cls.TYPE, cls.VERSION

    def to_event(self) -> Event:
        return Event(type=self.TYPE, data=self.to_data(), id=self.event_id, occurred_at=self.occurred_at,
                     version=self.VERSION, correlation_id=self.correlation_id)

    @classmethod
    def from_event(cls, event: Event) -> Self:
        if (event.type, event.version) != cls.key():
            raise ValueError(f"{event.type} v{event.version} is not {cls.TYPE} v{cls.VERSION}")
        parsed = cls.from_data(event.data)
        return dataclasses.replace(parsed, event_id=event.id, occurred_at=event.occurred_at,
                                   correlation_id=event.correlation_id)
