"""Marshmallow schemas at the HTTP edge: request -> command, bad input -> 400 naming the field."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from dropin_common.query import CommaSeparatedSet, LooseString, PageSchema

from ..domain.deliveries import KINDS, STATUSES
from ..domain.webhooks import WEBHOOK_EVENTS


class CreateWebhookSchema(Schema):
    class Meta:
        unknown = RAISE  # a typo in an admin body never silently does nothing

    organization_id = fields.String(data_key="organizationId", required=True, validate=validate.Length(min=1, max=64))
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    events = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)), required=True,
                         validate=validate.Length(min=1, max=len(WEBHOOK_EVENTS)),
                         metadata={"description": f"Any of {', '.join(WEBHOOK_EVENTS)}."})


class WebhookListSchema(PageSchema):
    organization_id = LooseString(data_key="organizationId", load_default=None, validate=validate.Length(max=64))


class DeliveryListSchema(PageSchema):
    organization_id = LooseString(data_key="organizationId", load_default=None, validate=validate.Length(max=64))
    kind = CommaSeparatedSet(KINDS, load_default=frozenset(), metadata={"description": "crm, webhook, alert"})
    status = CommaSeparatedSet(STATUSES, load_default=frozenset(),
                               metadata={"description": "pending, sent, failed, given_up"})


class WebhookEndpointSchema(Schema):
    id = fields.String(required=True)
    organizationId = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)), required=True)
    createdAt = fields.String(required=True, metadata={"format": "date-time"})


class CreatedWebhookEndpointSchema(WebhookEndpointSchema):
    secret = fields.String(required=True, metadata={
        "description": "The signing secret (`whsec_...`), shown only in this answer."})


class DeliverySchema(Schema):
    id = fields.String(required=True, metadata={"description": "Decimal digits."})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    organizationId = fields.String(required=True)
    eventType = fields.String(required=True)
    subjectId = fields.String(required=True)
    target = fields.String(required=True, metadata={"description": "An e-mail address or a webhook URL."})
    attempts = fields.Integer(required=True)
    lastError = fields.String(required=True, allow_none=True)
    createdAt = fields.String(required=True, metadata={"format": "date-time"})
    nextAttemptAt = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    sentAt = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    givenUpAt = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class DeliveryPageSchema(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema), required=True, metadata={"description": "Newest first."})
    total = fields.Integer(required=True, metadata={"description": "Deliveries matching the filters."})
    skip = fields.Integer(required=True)
    limit = fields.Integer(required=True)
