"""Marshmallow schemas at the HTTP edge: they validate requests, shape answers and are the OpenAPI
document's (dropin_common.api)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from dropin_common.query import MAX_SKIP, FilterSchema, WholeNumber

from ..domain.messages import MAX_MESSAGE_LENGTH
from ..domain.senders import MAX_DISPLAY_NAME_LENGTH

DEFAULT_HISTORY_LIMIT = 10
MAX_HISTORY_LIMIT = 100


class PostMessageSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    sender = fields.String(data_key="from", load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=MAX_DISPLAY_NAME_LENGTH), metadata={
                               "description": "Without a JWT: a display name (NFKC-normalised, at most "
                                              f"{MAX_DISPLAY_NAME_LENGTH} characters, no control or invisible "
                                              "characters, never an account id or a role word such as "
                                              "`dealer`); `shopper` when left out. With a JWT: that "
                                              "account's id, or left out."})
    message = fields.String(required=True, validate=validate.Length(min=1, max=MAX_MESSAGE_LENGTH),
                            metadata={"description": "Not only whitespace (kept as sent)."})


class HistoryQuerySchema(FilterSchema):
    start = WholeNumber(load_default=0, validate=validate.Range(min=0, max=MAX_SKIP),
                        metadata={"description": "How many of the oldest messages to pass over."})
    limit = WholeNumber(load_default=DEFAULT_HISTORY_LIMIT,
                        validate=validate.Range(min=1, max=MAX_HISTORY_LIMIT))


class MessageSchema(Schema):
    id = fields.String(required=True)
    streamId = fields.String(required=True)
    sender = fields.String(required=True, data_key="from", attribute="from",
                           metadata={"description": "An account id, or the shopper's display name."})
    message = fields.String(required=True)
    createdAt = fields.String(required=True, metadata={"format": "date-time"})


class HistorySchema(Schema):
    messages = fields.List(fields.Nested(MessageSchema), required=True, metadata={"description": "Oldest first."})
    start = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Messages on the stream in all."})
