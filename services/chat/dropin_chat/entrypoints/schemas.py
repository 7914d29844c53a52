"""Marshmallow schemas at the HTTP edge: request -> command, bad input -> 400 naming the field."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from dropin_common.query import MAX_SKIP, FilterSchema, WholeNumber

DEFAULT_HISTORY_LIMIT = 10
MAX_HISTORY_LIMIT = 100


class PostMessageSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    sender = fields.String(data_key="from", load_default=None, allow_none=True)
    message = fields.String(required=True)


class HistoryQuerySchema(FilterSchema):
    start = WholeNumber(load_default=0, validate=validate.Range(min=0, max=MAX_SKIP))
    limit = WholeNumber(load_default=DEFAULT_HISTORY_LIMIT,
                           validate=validate.Range(min=1, max=MAX_HISTORY_LIMIT))
