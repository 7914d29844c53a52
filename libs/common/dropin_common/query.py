"""The contract's filters: `?query=<URL-encoded JSON object>` or the same keys as plain parameters.

Both are merged (JSON wins) and loaded through a marshmallow schema, so a bad value is a 400
that names the field. List schemas inherit `PageSchema` for `skip`/`limit` defaults and caps.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .errors import BadRequest
from .input_guard import strict_loads

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_SKIP = 2 ** 62  # past any real table, and inside PostgreSQL's bigint OFFSET and LIMIT
# Days a filter may name: enough for any record, and room to shift by a time zone and a day
# without leaving Python's calendar (year 1 to 9999).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class CommaSeparatedSet(fields.Field):
    """`"missed,completed"` (or a JSON list) -> frozenset, every member checked against `allowed`."""

    def __init__(self, allowed: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.allowed = allowed

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            items = [part.strip() for part in value.split(",")]
        elif isinstance(value, (list, tuple)):
            items = [str(part).strip() for part in value]
        else:
            raise ValidationError("Must be a comma-separated list.")
        items = [item for item in items if item]
        unknown = [item for item in items if item not in self.allowed]
        if unknown:
            raise ValidationError(
                f"Unknown value(s) {', '.join(unknown)}; allowed: {', '.join(self.allowed)}.")
        return frozenset(items)

    def _serialize(self, value, attr, obj, **kwargs):
        # The wire form again; apispec serializes `load_default` this way into the document.
        return None if value is None else ",".join(sorted(value))


class WholeNumber(fields.Integer):
    """An integer sent as a JSON number or as plain decimal digits (`20`, `"20"`, `"-420"`).
    Python's int() would also take `1.5` (truncated), `"1_0"`, `" +1 "` or other scripts' digits."""

    DIGITS = re.compile(r"-?[0-9]+")

    def _validated(self, value):
        if (isinstance(value, bool) or (isinstance(value, str) and not self.DIGITS.fullmatch(value))
                or (isinstance(value, float) and not value.is_integer())):
            raise self.make_error("invalid")
        return super()._validated(value)


class LooseString(fields.String):
    """A trimmed string; numbers in the JSON (`"vin": 12321`) are taken as their text. Blank means
    absent (forms send empty fields): None for an optional field, with validators skipped as for any
    None, and "Must not be blank." for a required one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(**kwargs)
        self.error_messages.setdefault("blank", "Must not be blank.")

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            value = value.strip() or None
            if value is None and self.required:
                raise self.make_error("blank")
        return super().deserialize(value, attr, data, **kwargs)


class FilterSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class PageSchema(FilterSchema):
    skip = WholeNumber(load_default=0, validate=validate.Range(min=0, max=MAX_SKIP),
                          metadata={"description": "How many matching records to pass over."})
    limit = WholeNumber(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": "How many records to return at most."})


def calendar_day(**kwargs) -> fields.Date:
    """A `YYYY-MM-DD` day between FIRST_DAY and LAST_DAY."""
    return fields.Date(format="%Y-%m-%d", validate=validate.Range(min=FIRST_DAY, max=LAST_DAY), **kwargs)


class DateRangeSchema(FilterSchema):
    from_day = calendar_day(data_key="from", load_default=None, metadata={
        "description": "First calendar day (YYYY-MM-DD) in the client's time zone, inclusive."})
    to_day = calendar_day(data_key="to", load_default=None, metadata={
        "description": "Last calendar day (YYYY-MM-DD) in the client's time zone, inclusive."})
    timezone_offset = WholeNumber(
        data_key="timezoneoffset", load_default=0, validate=validate.Range(min=-14 * 60, max=14 * 60),
        metadata={"description": "The client's `Date.getTimezoneOffset()` in minutes: -420 is GMT+7."})


def query_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """Plain parameters, overlaid with the keys of the `query` JSON object; a null there means "not
    given". A key given twice is a 400 naming it: each filter takes one value (a set is comma-separated),
    and the document says so."""
    getlist = getattr(args, "getlist", None)
    repeated = next((key for key in args if getlist is not None and len(getlist(key)) > 1), None)
    if repeated is not None:
        raise BadRequest(f"{repeated}: given more than once.", code="invalid_field", field=repeated)
    merged: dict[str, Any] = {key: value for key, value in args.items() if key != "query"}
    raw = args.get("query")
    if raw is not None:
        try:
            decoded = strict_loads(raw)
        except (TypeError, ValueError):
            raise BadRequest("query must be a URL-encoded JSON object.", code="invalid_query",
                             field="query") from None
        if not isinstance(decoded, dict):
            raise BadRequest("query must be a JSON object.", code="invalid_query", field="query")
        merged.update({key: value for key, value in decoded.items() if value is not None})
    return merged


def load_or_400(schema: Schema, data: Any) -> dict[str, Any]:
    """Load with marshmallow; a ValidationError becomes a 400 naming the first bad field."""
    if not isinstance(data, Mapping):
        raise BadRequest("The body must be a JSON object.", code="invalid_body")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise validation_error_to_bad_request(exc) from None


def validation_error_to_bad_request(exc: ValidationError) -> BadRequest:
    messages = exc.normalized_messages()
    field = next(iter(messages), None) if isinstance(messages, dict) else None
    detail = messages.get(field) if field else messages
    if isinstance(detail, list):
        detail = " ".join(str(item) for item in detail)
    field_name = None if field in (None, "_schema") else field
    text = f"{field_name}: {detail}" if field_name else str(detail)
    return BadRequest(text, code="invalid_field", field=field_name,
                      details=messages if isinstance(messages, dict) else None)


def parse_filters(schema: Schema, args: Mapping[str, Any]) -> dict[str, Any]:
    return load_or_400(schema, query_args(args))
