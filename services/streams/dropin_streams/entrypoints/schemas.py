"""Request schemas at the HTTP edge (camelCase keys as in the contract)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from dropin_common.query import CommaSeparatedSet, PageSchema

from ..domain.stream import ALL_STATUSES, LOG_TYPES


class Text(fields.String):
    """A trimmed string, numbers taken as their text. Blank means absent (shopper forms send empty
    fields), so a required one must not be blank. Length is checked here, not by a validator,
    because validators would also run on the None a blank optional field becomes."""

    def __init__(self, max_length: int, **kwargs):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than {self.max_length} characters.")
        if not text:
            if self.required:
                raise ValidationError("Must not be blank.")
            return None
        return text


class EmailText(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is not None:
            validate.Email(error="Not a valid email address.")(text)
        return text


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


class RequestStreamSchema(_Body):
    vin = Text(32, required=True, error_messages={"required": "A VIN is required."})
    make = Text(100)
    model = Text(100)
    type = Text(100)
    year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1900, max=2100))


class StreamLogSchema(_Body):
    type = fields.String(required=True, validate=validate.OneOf(LOG_TYPES))
    code = fields.Integer(required=True, strict=True)


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
