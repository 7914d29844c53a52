"""Request schemas at the HTTP edge (camelCase keys as in the contract)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from dropin_common.answers import Answer, Moment
from dropin_common.query import CommaSeparatedSet, FilterSchema, LooseString, PageSchema, WholeNumber

from ..domain.stream import ALL_STATUSES, LOG_TYPES, MISSED_CLOSED, MISSED_NOBODY_ONLINE, MISSED_NOT_ANSWERED


def Text(max_length: int, *, required: bool = False, **kwargs) -> LooseString:  # noqa: N802 - used like a field class
    """Shopper text: trimmed, blank means absent (refused when required), at most `max_length` characters."""
    if not required:
        kwargs.setdefault("load_default", None)
    return LooseString(required=required, validate=validate.Length(min=1 if required else None, max=max_length),
                       **kwargs)


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
    class Meta:
        unknown = EXCLUDE
        description = ("`streamId`, or `organizationToken` and `vinId` (when all are given, `streamId` wins); "
                       "and at least a name, an e-mail or a phone.")
        openapi = {"allOf": [
            {"anyOf": [{"required": ["streamId"]}, {"required": ["organizationToken", "vinId"]}]},
            {"anyOf": [{"required": ["firstName"]}, {"required": ["lastName"]}, {"required": ["email"]},
                       {"required": ["phone"]}]}]}

    stream_id = Text(64, data_key="streamId")
    organization_token = Text(200, data_key="organizationToken")
    vin = Text(32, data_key="vinId", metadata={"description": "Decoded as a VIN (17 letters and digits, "
                                                               "without I, O or Q) when the lead is for it."})
    first_name = Text(100, data_key="firstName")
    last_name = Text(100, data_key="lastName")
    email = EmailText(254, metadata={"format": "email", "description": "An e-mail address."})
    phone = Text(50)
    comment = Text(5000)


class StreamListSchema(PageSchema):
    status = CommaSeparatedSet(ALL_STATUSES, load_default=frozenset())


class ChannelAuthSchema(_Body):
    # Pusher's own rules for both (its library refuses anything else).
    socket_id = fields.String(required=True, validate=[validate.Length(min=1, max=100),
                                                       validate.Regexp(r"^[0-9]+\.[0-9]+$")])
    channel_name = fields.String(required=True, validate=[validate.Length(min=1, max=200),
                                                          validate.Regexp(r"^[-a-zA-Z0-9_=@,.;]+$")])
    stream_token = fields.String(data_key="streamToken", load_default=None, allow_none=True)


MISSED_REASONS = (MISSED_CLOSED, MISSED_NOBODY_ONLINE, MISSED_NOT_ANSWERED)


# --- Answers: what the views return, key for key. Dumping through them keeps only documented keys.

class VehicleAnswer(Answer):
    make = fields.String(required=True, allow_none=True)
    model = fields.String(required=True, allow_none=True)
    type = fields.String(required=True, allow_none=True)
    year = fields.Integer(required=True, allow_none=True)


class DealerAnswer(Answer):
    id = fields.String(required=True)
    first_name = fields.String(data_key="firstName", required=True, allow_none=True)
    last_name = fields.String(data_key="lastName", required=True, allow_none=True)


class StreamLogAnswer(Answer):
    type = fields.String(required=True, validate=validate.OneOf(LOG_TYPES))
    code = fields.Integer(required=True)
    at = Moment(required=True)


class StreamAnswer(Answer):
    """The whole stream, as its organization (or an admin) reads it."""
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    organization_id = fields.String(data_key="organizationId", required=True)
    organization_code = fields.String(data_key="organizationCode", required=True)
    organization_name = fields.String(data_key="organizationName", required=True)
    vin = fields.String(required=True)
    vehicle = fields.Nested(VehicleAnswer, required=True)
    status = fields.String(required=True, validate=validate.OneOf(ALL_STATUSES))
    dealer_id = fields.String(data_key="dealerId", required=True, allow_none=True)
    dealer = fields.Nested(DealerAnswer, required=True, allow_none=True)
    requested_at = Moment(data_key="requestedAt", required=True)
    accepted_at = Moment(data_key="acceptedAt", required=True, allow_none=True)
    stopped_at = Moment(data_key="stoppedAt", required=True, allow_none=True)
    stopped_by = fields.String(data_key="stoppedBy", required=True, allow_none=True, metadata={
        "description": "shopper, dealer, colleague, admin or system (the worker's timeouts)."})
    note = fields.String(required=True, allow_none=True)
    duration_seconds = fields.Integer(data_key="durationSeconds", required=True, allow_none=True)
    missed_reason = fields.String(data_key="missedReason", required=True, allow_none=True,
                                  validate=validate.OneOf(MISSED_REASONS))
    dealers_rung = fields.Integer(data_key="dealersRung", required=True)
    logs = fields.List(fields.Nested(StreamLogAnswer), required=True)


class RequestedStreamAnswer(StreamAnswer):
    stream_token = fields.String(data_key="streamToken", required=True, metadata={
        "description": "The shopper's key to the stream's Pusher channel; shown only here."})
    notified_dealers = fields.Integer(data_key="notifiedDealers", required=True)
    next_open_at = Moment(data_key="nextOpenAt", allow_none=True, metadata={
        "description": "Only when `missedReason` is `closed`: the next opening, with the organization's "
                       "offset; null if it never opens again."})


class ShopperDealerAnswer(Answer):
    first_name = fields.String(data_key="firstName", required=True, allow_none=True)


class ShopperStreamAnswer(Answer):
    """What a caller without the organization's JWT reads: what the shopper's app shows."""
    id = fields.String(required=True)
    organization_code = fields.String(data_key="organizationCode", required=True)
    organization_name = fields.String(data_key="organizationName", required=True)
    vin = fields.String(required=True)
    vehicle = fields.Nested(VehicleAnswer, required=True)
    status = fields.String(required=True, validate=validate.OneOf(ALL_STATUSES))
    dealer = fields.Nested(ShopperDealerAnswer, required=True, allow_none=True)
    requested_at = Moment(data_key="requestedAt", required=True)
    accepted_at = Moment(data_key="acceptedAt", required=True, allow_none=True)
    stopped_at = Moment(data_key="stoppedAt", required=True, allow_none=True)
    missed_reason = fields.String(data_key="missedReason", required=True, allow_none=True,
                                  validate=validate.OneOf(MISSED_REASONS))


class AvailabilityAnswer(Answer):
    open = fields.Boolean(required=True)
    dealers_online = fields.Integer(data_key="dealersOnline", required=True)
    next_open_at = Moment(data_key="nextOpenAt", required=True, allow_none=True, metadata={
        "description": "While closed, the next opening with the organization's offset; else null."})


class PingAnswer(Answer):
    dealer_id = fields.String(data_key="dealerId", required=True)
    pinged_at = Moment(data_key="pingedAt", required=True)


class BeamsTokenAnswer(Answer):
    token = fields.String(required=True)


class LoanLinkAnswer(Answer):
    id = fields.String(required=True)
    stream_id = fields.String(data_key="streamId", required=True)
    lead_id = fields.String(data_key="leadId", required=True)
    channel = fields.String(required=True)
    to = fields.String(metadata={"description": "Only with the stream's dealer's or an admin's JWT."})
    subject = fields.String(required=True)
    body = fields.String(required=True)
    created_at = Moment(data_key="createdAt", required=True)


class LeadAnswer(Answer):
    id = fields.String(required=True)
    stream_id = fields.String(data_key="streamId", required=True, allow_none=True)
    organization_id = fields.String(data_key="organizationId", required=True)
    organization_name = fields.String(data_key="organizationName", required=True)
    vin = fields.String(required=True, allow_none=True)
    vehicle = fields.Nested(VehicleAnswer, required=True)
    first_name = fields.String(data_key="firstName", required=True, allow_none=True)
    last_name = fields.String(data_key="lastName", required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    comment = fields.String(required=True, allow_none=True)
    created_at = Moment(data_key="createdAt", required=True)


class DecodedVinAnswer(VehicleAnswer):
    vin = fields.String(required=True)
    country = fields.String(required=True, allow_none=True)
    manufacturer = fields.String(required=True, allow_none=True)
    region = fields.String(required=True, allow_none=True)
    checksum_valid = fields.Boolean(data_key="checksumValid", required=True)


class ChannelAuthAnswer(Answer):
    auth = fields.String(required=True, metadata={"description": "`<key>:<signature>`, for Pusher's client."})
    channel_data = fields.String(metadata={"description": "Presence channels only: the member, as JSON text."})


class BeamsAuthSchema(FilterSchema):
    user_id = LooseString(required=True, metadata={"description": "The caller's own account id."})


# What vininfo decodes (the decoder trims and upper-cases first); GET /vin/{vinId} refuses the rest.
VIN_PATTERN = r"^\s*[A-HJ-NPR-Za-hj-npr-z0-9]{17}\s*$"
