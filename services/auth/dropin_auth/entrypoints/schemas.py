"""Request schemas: the HTTP edge turns bodies and query strings into commands, and bad input
into a 400 naming the field (the kit in dropin_common.api)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from dropin_common.business_hours import (
    InvalidBusinessHours, holidays_wire, parse_holidays, parse_timezone, parse_weekly, weekly_wire)
from dropin_common.query import CommaSeparatedSet, DateRangeSchema, LooseString, PageSchema

from ..adapters.common_passwords import is_common_password
from ..domain.accounts import MIN_PASSWORD_LENGTH, PRESENCES, ROLES, STATUSES
from ..domain.organizations import MAX_CRM_LEAD_EMAILS, MAX_MANAGER_EMAILS

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.-]{3,64}$",
                           error="3-64 letters, digits, '.', '_' or '-'.")
ORGANIZATION_CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$",
                                    error="2-64 letters, digits, '_' or '-', starting with a letter or digit.")
PHONE = validate.Regexp(r"^[0-9+()\-. ]{3,40}$", error="Not a phone number.")


def not_common(password: str) -> None:
    if is_common_password(password):
        raise ValidationError("This password is on a list of common passwords; choose another.")


PASSWORD: list[Callable[[str], Any]] = [validate.Length(min=MIN_PASSWORD_LENGTH, max=256), not_common]


class Trimmed(fields.String):
    """A string with surrounding whitespace removed."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class LoanLink(fields.String):
    """An http(s) URL; an empty string (a cleared form field) means no link."""

    _is_url = validate.URL(schemes={"http", "https"}, error="Not a valid http(s) URL.")

    def __init__(self, **kwargs):
        super().__init__(data_key="loanLink", allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            return None
        if len(text) > 2000:
            raise ValidationError("Longer than 2000 characters.")
        self._is_url(text)
        try:
            urlsplit(text).port  # noqa: B018 - raises for a port beyond 65535
        except ValueError:
            raise ValidationError("Not a valid http(s) URL: bad port.") from None
        return text


class _HoursField(fields.Field):
    """A business-hours setting checked by dropin_common.business_hours and stored in its canonical
    form; a bad value is a 400 naming this field."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self._canonical(value)
        except InvalidBusinessHours as exc:
            raise ValidationError(str(exc)) from None


class BusinessHoursField(_HoursField):
    """{"mon": [["09:00", "18:00"]], ...}; null or {} = always open."""

    def __init__(self, **kwargs):
        super().__init__(data_key="businessHours", allow_none=True, metadata={
            "type": "object", "additionalProperties": {"type": "array", "items": {
                "type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}},
            "description": 'Days (mon..sun) to opening intervals: {"mon": [["09:00", "18:00"]]}; null or {} = '
                           "always open. Intervals must not overlap."}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return {} if value is None else super()._deserialize(value, attr, data, **kwargs)

    @staticmethod
    def _canonical(value):
        return weekly_wire(parse_weekly(value))


class HolidaysField(_HoursField):
    """["2026-12-25", ...]: days closed all day (null = none)."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, metadata={
            "type": "array", "items": {"type": "string", "format": "date"},
            "description": "Days closed all day; null = none."}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return [] if value is None else super()._deserialize(value, attr, data, **kwargs)

    @staticmethod
    def _canonical(value):
        return holidays_wire(parse_holidays(value))


class TimezoneField(_HoursField):
    """An IANA time zone name (America/Denver)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "description": "An IANA time zone name (America/Denver)."},
                         **kwargs)

    @staticmethod
    def _canonical(value):
        return parse_timezone(value).key


class TolerantSchema(Schema):
    """Public bodies: fields we do not know are ignored (a client sending `role` gains nothing)."""
    class Meta:
        unknown = EXCLUDE


class RegisterSchema(TolerantSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=PASSWORD)
    first_name = Trimmed(data_key="firstName", required=True, validate=validate.Length(min=1, max=100))
    last_name = Trimmed(data_key="lastName", required=True, validate=validate.Length(min=1, max=100))
    username = Trimmed(required=True, validate=USERNAME)
    phone = Trimmed(load_default=None, allow_none=True, validate=PHONE)


NOT_BLANK = {"pattern": r"\S"}  # trimmed, a blank one is not sent at all


class _IdentifiedSchema(TolerantSchema):
    """The contract's "email OR username" (email wins when both are sent)."""
    class Meta(TolerantSchema.Meta):
        description = "Send `email` or `username` (not blank; email wins when both are sent) and `password`."
        openapi = {"anyOf": [{"required": [name], "properties": {name: {"type": "string"}}}
                             for name in ("email", "username")]}
    email = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=254), metadata=NOT_BLANK)
    username = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=254), metadata=NOT_BLANK)
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))

    @validates_schema
    def _needs_identifier(self, data, **kwargs):
        if not (data.get("email") or data.get("username")):
            raise ValidationError("Send an email or a username.", field_name="email")


class LoginSchema(_IdentifiedSchema):
    pass


class ChangePasswordSchema(_IdentifiedSchema):
    new_password = fields.String(data_key="newpassword", required=True, validate=PASSWORD)


class AccountPatchSchema(Schema):
    """Admin changes; an unknown field is an error here, so a typo never silently does nothing."""
    class Meta:
        unknown = RAISE
        description = "At least one of `status`, `role`, `organizationId` (null detaches the organization)."
        openapi = {"minProperties": 1}

    status = fields.String(validate=validate.OneOf(STATUSES))
    role = fields.String(validate=validate.OneOf(ROLES))
    organization_id = fields.String(data_key="organizationId", allow_none=True,
                                    validate=validate.Length(min=1, max=36))

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one of status, role, organizationId.", field_name="status")



class EmailList(fields.List):
    """A list of distinct e-mail addresses (trimmed, compared case-insensitively), at most `maximum`."""

    def __init__(self, maximum: int, **kwargs):
        super().__init__(fields.Email(validate=validate.Length(max=254)),
                         validate=validate.Length(max=maximum, error=f"At most {maximum} addresses."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            value = [item.strip() if isinstance(item, str) else item for item in value]
        addresses = super()._deserialize(value, attr, data, **kwargs)
        if len({address.lower() for address in addresses}) != len(addresses):
            raise ValidationError("An address is listed twice.")
        return addresses


class OrganizationCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    name = Trimmed(required=True, validate=validate.Length(min=1, max=200))
    code = Trimmed(required=True, validate=ORGANIZATION_CODE)
    loan_link = LoanLink(load_default=None)
    timezone = TimezoneField(load_default="UTC")
    business_hours = BusinessHoursField(load_default=None)
    holidays = HolidaysField(load_default=None)
    crm_lead_emails = EmailList(MAX_CRM_LEAD_EMAILS, data_key="crmLeadEmails", load_default=())
    manager_emails = EmailList(MAX_MANAGER_EMAILS, data_key="managerEmails", load_default=())


class OrganizationPatchSchema(Schema):
    class Meta:
        unknown = RAISE
        description = ("At least one of `name`, `loanLink`, `rotateToken: true`, `timezone`, `businessHours`, "
                       "`holidays`, `crmLeadEmails`, `managerEmails`.")
        openapi = {"minProperties": 1}

    name = Trimmed(validate=validate.Length(min=1, max=200))
    loan_link = LoanLink()
    rotate_token = fields.Boolean(data_key="rotateToken", load_default=False)
    timezone = TimezoneField()
    business_hours = BusinessHoursField()
    holidays = HolidaysField()
    crm_lead_emails = EmailList(MAX_CRM_LEAD_EMAILS, data_key="crmLeadEmails")
    manager_emails = EmailList(MAX_MANAGER_EMAILS, data_key="managerEmails")

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data["rotate_token"] and not set(data) - {"rotate_token"}:
            raise ValidationError("Send at least one of name, loanLink, rotateToken, timezone, "
                                  "businessHours, holidays, crmLeadEmails, managerEmails.", field_name="name")


class OrganizationListSchema(PageSchema):
    name = LooseString(load_default=None)


class DealerCountSchema(DateRangeSchema):
    name = LooseString(load_default=None)
    phone = LooseString(load_default=None)
    email = LooseString(load_default=None)
    organization_name = LooseString(data_key="organizationName", load_default=None)
    organization_id = LooseString(data_key="organizationId", load_default=None)
    status = CommaSeparatedSet(STATUSES, load_default=frozenset())
    account_status = CommaSeparatedSet(PRESENCES, data_key="accountStatus", load_default=frozenset())

    @validates_schema
    def _days_in_order(self, data, **kwargs):
        if data.get("from_day") and data.get("to_day") and data["to_day"] < data["from_day"]:
            raise ValidationError("to must not be before from.", field_name="to")


class DealerListSchema(DealerCountSchema, PageSchema):
    pass



# Answers. The views build the dicts (snapshots.py, shared with the events); these schemas dump them
# and are what the document shows.
DATE_TIME = {"format": "date-time"}


class AccountSchema(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    username = fields.String(required=True)
    firstName = fields.String(required=True)
    lastName = fields.String(required=True)
    phone = fields.String(required=True, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    accountStatus = fields.String(required=True, validate=validate.OneOf(PRESENCES))
    organizationId = fields.String(required=True, allow_none=True)
    createdAt = fields.String(required=True, metadata=DATE_TIME)
    updatedAt = fields.String(required=True, metadata=DATE_TIME)


class SessionSchema(Schema):
    token = fields.String(required=True, metadata={"description": "A JWT to send as `Authorization: JWT <token>`."})
    account = fields.Nested(AccountSchema, required=True)


class LoggedOutSchema(Schema):
    loggedOut = fields.Boolean(required=True)


class CountSchema(Schema):
    count = fields.Integer(required=True)


class OrganizationSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    code = fields.String(required=True)
    loanLink = fields.String(required=True, allow_none=True)
    createdAt = fields.String(required=True, metadata=DATE_TIME)
    updatedAt = fields.String(required=True, metadata=DATE_TIME)
    timezone = fields.String(required=True, metadata={"description": "An IANA time zone name."})
    businessHours = fields.Dict(keys=fields.String(), values=fields.List(fields.List(fields.String())),
                                required=True, allow_none=True,
                                metadata={"description": '{"mon": [["09:00", "18:00"]], ...}; null or {} = '
                                                         "always open."})
    holidays = fields.List(fields.String(metadata={"format": "date"}), required=True)
    crmLeadEmails = fields.List(fields.String(), required=True)
    managerEmails = fields.List(fields.String(), required=True)
    token = fields.String(metadata={"description": "The organization token; only in admins' answers."})
