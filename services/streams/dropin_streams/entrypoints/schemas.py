"""Request schemas at the HTTP edge (camelCase keys as in the contract)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from dropin_common.query import CommaSeparatedSet, LooseString, PageSchema

from ..domain.stream import ALL_STATUSES, LOG_TYPES

NAME = validate.Length(max=100)


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


class RequestStreamSchema(_Body):
    vin = LooseString(required=True, validate=validate.Length(min=1, max=32),
                      error_messages={"required": "A VIN is required."})
    make = LooseString(load_default=None, allow_none=True, validate=NAME)
    model = LooseString(load_default=None, allow_none=True, validate=NAME)
    type = LooseString(load_default=None, allow_none=True, validate=NAME)
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1900, max=2100))


class StreamLogSchema(_Body):
    type = fields.String(required=True, validate=validate.OneOf(LOG_TYPES))
    code = fields.Integer(required=True, strict=True)


class NoteSchema(_Body):
    note = fields.String(required=True, validate=validate.Length(max=5000))


class LeadSchema(_Body):
    stream_id = LooseString(data_key="streamId", load_default=None, allow_none=True)
    organization_token = LooseString(data_key="organizationToken", load_default=None, allow_none=True)
    vin = LooseString(data_key="vinId", load_default=None, allow_none=True, validate=validate.Length(max=32))
    first_name = LooseString(data_key="firstName", load_default=None, allow_none=True, validate=NAME)
    last_name = LooseString(data_key="lastName", load_default=None, allow_none=True, validate=NAME)
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = LooseString(load_default=None, allow_none=True, validate=validate.Length(max=50))
    comment = LooseString(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class StreamListSchema(PageSchema):
    status = CommaSeparatedSet(ALL_STATUSES, load_default=frozenset())


class ChannelAuthSchema(_Body):
    socket_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    channel_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    stream_token = fields.String(data_key="streamToken", load_default=None, allow_none=True)
