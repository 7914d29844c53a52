"""Request schemas at the HTTP edge (camelCase keys as in the contract)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from dropin_common.query import CommaSeparatedSet, LooseString, PageSchema, WholeNumber

from ..domain.stream import ALL_STATUSES, LOG_TYPES


def Text(max_length: int, *, required: bool = False, **kwargs) -> LooseString:  # noqa: N802 - used like a field class
    """Shopper text: trimmed, blank means absent, at most `max_length` characters."""
    if not required:
        kwargs.setdefault("load_default", None)
    return LooseString(required=required, validate=validate.Length(max=max_length), **kwargs)


def EmailText(max_length: int, **kwargs) -> LooseString:  # noqa: N802
    return LooseString(validate=[validate.Length(max=max_length), validate.Email(error="Not a valid email address.")],
                       load_default=None, **kwargs)


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


class RequestStreamSchema(_Body):
    vin = Text(32, required=True, error_messages={"required": "A VIN is required."})
    make = Text(100)
    model = Text(100)
    type = Text(100)
    year = WholeNumber(load_default=None, allow_none=True, validate=validate.Range(min=1900, max=2100))


class StreamLogSchema(_Body):
    type = fields.String(required=True, validate=validate.OneOf(LOG_TYPES))
    # Pusher and push services answer small status codes; the column is a 32-bit integer.
    code = fields.Integer(required=True, strict=True, validate=validate.Range(min=-2 ** 31, max=2 ** 31 - 1))


class NoteSchema(_Body):
    note = fields.String(required=True, validate=validate.Length(max=5000))


class LeadSchema(_Body):
    stream_id = Text(64, data_key="streamId")
    organization_token = Text(200, data_key="organizationToken")
    vin = Text(32, data_key="vinId")
    first_name = Text(100, data_key="firstName")
    last_name = Text(100, data_key="lastName")
    email = EmailText(254)
    phone = Text(50)
    comment = Text(5000)


class StreamListSchema(PageSchema):
    status = CommaSeparatedSet(ALL_STATUSES, load_default=frozenset())


class ChannelAuthSchema(_Body):
    socket_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    channel_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    stream_token = fields.String(data_key="streamToken", load_default=None, allow_none=True)
