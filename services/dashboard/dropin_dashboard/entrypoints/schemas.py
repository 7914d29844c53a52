"""The edge: query parameters -> domain filters (marshmallow), domain views -> camelCase JSON."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from dropin_common.answers import Answer, Moment
from dropin_common.query import (MAX_SKIP, CommaSeparatedSet, DateRangeSchema, LooseString, PageSchema,
                                 WholeNumber)
from dropin_common.timeutil import iso

from ..domain.filters import CALL_STATUSES, Page, Period, RecordFilter
from ..domain.kpis import DealerStanding, Heatmap, Kpis, SeriesBucket
from ..domain.zones import INTERVALS, Zone
from ..use_cases.call_reports import ReportRequest
from ..domain.records import Account, Vehicle
from ..domain.views import Call, LeadWithCall, OrganizationWithDealers


class PeriodSchema(DateRangeSchema):
    @validates_schema
    def check_order(self, data, **_kwargs):
        if data.get("from_day") and data.get("to_day") and data["from_day"] > data["to_day"]:
            raise ValidationError("Must not be before `from`.", field_name="to")


class RecordFilterSchema(PeriodSchema):
    """The contract's call and lead filters (counts use these alone)."""
    name = LooseString(load_default=None)
    phone = LooseString(load_default=None)
    organization_name = LooseString(data_key="organizationName", load_default=None)
    status = CommaSeparatedSet(CALL_STATUSES, load_default=frozenset())
    car_type = LooseString(data_key="carType", load_default=None)
    car_model = LooseString(data_key="carModel", load_default=None)
    car_make = LooseString(data_key="carMake", load_default=None)
    vin = LooseString(load_default=None)
    organization_id = LooseString(data_key="organizationId", load_default=None)


class RecordListSchema(RecordFilterSchema, PageSchema):
    pass


class RecordExportSchema(RecordFilterSchema):
    """Exports stream every matching row unless a `limit` is given."""
    skip = WholeNumber(load_default=0, validate=validate.Range(min=0, max=MAX_SKIP))
    limit = WholeNumber(load_default=None, validate=validate.Range(min=1, max=MAX_SKIP))


class OrganizationListSchema(PageSchema):
    name = LooseString(load_default=None)


def period_from(data: dict[str, Any]) -> Period:
    return Period.from_days(data.get("from_day"), data.get("to_day"), data.get("timezone_offset", 0))


def record_filter_from(data: dict[str, Any]) -> RecordFilter:
    return RecordFilter(
        name=data["name"], phone=data["phone"], organization_name=data["organization_name"],
        statuses=data["status"], car_type=data["car_type"], car_model=data["car_model"],
        car_make=data["car_make"], vin=data["vin"], organization_id=data["organization_id"],
        period=period_from(data))


class SeriesSchema(RecordFilterSchema):
    interval = LooseString(load_default="day", validate=validate.OneOf(INTERVALS), metadata={
        "description": "Bucket width: day, week (Monday to Sunday) or month."})


class LeaderboardSchema(RecordFilterSchema, PageSchema):
    pass


def report_request_from(data: dict[str, Any]) -> ReportRequest:
    """The period stays in local days: the zone it is read in depends on the organization."""
    return ReportRequest(criteria=replace(record_filter_from(data), period=Period()), first_day=data.get("from_day"),
                         last_day=data.get("to_day"), timezone_offset=data.get("timezone_offset", 0))


def zone_json(zone: Zone) -> dict[str, Any]:
    return {"timezone": zone.name, "timezoneOffset": zone.offset_minutes}


def kpis_json(kpis: Kpis) -> dict[str, Any]:
    return {"calls": kpis.calls, "answered": kpis.answered, "missed": kpis.missed, "expired": kpis.expired,
            "answerRate": kpis.answer_rate,
            "timeToAnswer": {"p50": kpis.time_to_answer_p50, "p90": kpis.time_to_answer_p90,
                             "max": kpis.time_to_answer_max},
            "averageDurationSeconds": kpis.average_duration_seconds, "leads": kpis.leads, "leadRate": kpis.lead_rate}


def series_json(interval: str, zone: Zone, rows: list[SeriesBucket]) -> dict[str, Any]:
    return {"interval": interval, **zone_json(zone),
            "buckets": [{"start": row.start, **kpis_json(row.kpis)} for row in rows]}


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def heatmap_json(zone: Zone, heatmap: Heatmap) -> dict[str, Any]:
    return {**zone_json(zone), "weekdays": list(WEEKDAYS), "calls": heatmap.calls, "missed": heatmap.missed}


def standing_json(row: DealerStanding) -> dict[str, Any]:
    return {"dealerId": row.dealer_id, "dealerName": row.dealer_name, "answered": row.answered,
            "medianTimeToAnswerSeconds": row.median_time_to_answer_seconds,
            "averageDurationSeconds": row.average_duration_seconds, "leads": row.leads}


def page_from(data: dict[str, Any]) -> Page:
    return Page(skip=data["skip"], limit=data["limit"])


def _vehicle_json(vehicle: Vehicle) -> dict[str, Any]:
    return {"make": vehicle.make, "model": vehicle.model, "type": vehicle.type, "year": vehicle.year}


def call_json(call: Call) -> dict[str, Any]:
    stream, shopper, dealer = call.stream, call.shopper, call.stream.dealer
    return {
        "id": stream.id, "organizationId": stream.organization_id, "organizationCode": stream.organization_code,
        "organizationName": stream.organization_name, "vin": stream.vin,
        "vehicle": _vehicle_json(stream.vehicle), "status": stream.status,
        "dealerId": dealer.id if dealer else None,
        "dealer": {"id": dealer.id, "firstName": dealer.first_name, "lastName": dealer.last_name}
        if dealer else None,
        "dealerName": dealer.name if dealer else None,
        "requestedAt": iso(stream.requested_at), "acceptedAt": iso(stream.accepted_at),
        "stoppedAt": iso(stream.stopped_at), "stoppedBy": stream.stopped_by, "note": stream.note,
        "durationSeconds": stream.duration_seconds,
        "timeToAnswerSeconds": call.time_to_answer_seconds, "missedReason": stream.missed_reason,
        "dealersRung": stream.dealers_rung,
        "firstName": shopper.first_name, "lastName": shopper.last_name, "email": shopper.email,
        "phone": shopper.phone,
    }


def lead_json(row: LeadWithCall) -> dict[str, Any]:
    lead, shopper = row.lead, row.lead.shopper
    return {
        "id": lead.id, "streamId": lead.stream_id, "organizationId": lead.organization_id,
        "organizationName": lead.organization_name, "vin": lead.vin, "vehicle": _vehicle_json(lead.vehicle),
        "firstName": shopper.first_name, "lastName": shopper.last_name, "email": shopper.email,
        "phone": shopper.phone, "comment": lead.comment, "createdAt": iso(lead.created_at),
        "callStatus": row.call_status,
    }


def _dealer_json(account: Account) -> dict[str, Any]:
    return {"id": account.id, "email": account.email, "firstName": account.first_name,
            "lastName": account.last_name, "phone": account.phone, "status": account.status,
            "accountStatus": account.account_status}


def organization_json(row: OrganizationWithDealers) -> dict[str, Any]:
    org = row.organization
    return {"id": org.id, "name": org.name, "code": org.code, "loanLink": org.loan_link,
            "createdAt": iso(org.created_at), "dealerCount": len(row.dealers),
            "dealers": [_dealer_json(dealer) for dealer in row.dealers]}


# --- Answers: what the views return, key for key (see dropin_common.answers).

class VehicleAnswer(Answer):
    make = fields.String(required=True, allow_none=True)
    model = fields.String(required=True, allow_none=True)
    type = fields.String(required=True, allow_none=True)
    year = fields.Integer(required=True, allow_none=True)


class CallDealerAnswer(Answer):
    id = fields.String(required=True)
    first_name = fields.String(data_key="firstName", required=True, allow_none=True)
    last_name = fields.String(data_key="lastName", required=True, allow_none=True)


def _text(**kwargs) -> fields.String:
    return fields.String(required=True, allow_none=True, **kwargs)


class CallAnswer(Answer):
    """A stream as a call, with the shopper from its lead (null without one) and its dealer."""
    id = fields.String(required=True)
    organization_id = _text(data_key="organizationId")
    organization_code = _text(data_key="organizationCode")
    organization_name = _text(data_key="organizationName")
    vin = _text()
    vehicle = fields.Nested(VehicleAnswer, required=True)
    status = fields.String(required=True, validate=validate.OneOf(CALL_STATUSES))
    dealer_id = _text(data_key="dealerId")
    dealer = fields.Nested(CallDealerAnswer, required=True, allow_none=True)
    dealer_name = _text(data_key="dealerName")
    requested_at = Moment(data_key="requestedAt", required=True, allow_none=True)
    accepted_at = Moment(data_key="acceptedAt", required=True, allow_none=True)
    stopped_at = Moment(data_key="stoppedAt", required=True, allow_none=True)
    stopped_by = _text(data_key="stoppedBy")
    note = _text()
    duration_seconds = fields.Integer(data_key="durationSeconds", required=True, allow_none=True)
    time_to_answer_seconds = fields.Integer(data_key="timeToAnswerSeconds", required=True, allow_none=True)
    missed_reason = _text(data_key="missedReason")
    dealers_rung = fields.Integer(data_key="dealersRung", required=True, allow_none=True)
    first_name = _text(data_key="firstName")
    last_name = _text(data_key="lastName")
    email = _text()
    phone = _text()


class LeadAnswer(Answer):
    id = fields.String(required=True)
    stream_id = _text(data_key="streamId")
    organization_id = _text(data_key="organizationId")
    organization_name = _text(data_key="organizationName")
    vin = _text()
    vehicle = fields.Nested(VehicleAnswer, required=True)
    first_name = _text(data_key="firstName")
    last_name = _text(data_key="lastName")
    email = _text()
    phone = _text()
    comment = _text()
    created_at = Moment(data_key="createdAt", required=True)
    call_status = _text(data_key="callStatus", metadata={
        "description": "The status of the call the lead was left on; null while that call is not known here."})


class OrganizationDealerAnswer(Answer):
    id = fields.String(required=True)
    email = _text()
    first_name = _text(data_key="firstName")
    last_name = _text(data_key="lastName")
    phone = _text()
    status = _text()
    account_status = _text(data_key="accountStatus")


class OrganizationAnswer(Answer):
    id = fields.String(required=True)
    name = fields.String(required=True)
    code = _text()
    loan_link = _text(data_key="loanLink")
    created_at = Moment(data_key="createdAt", required=True, allow_none=True)
    dealer_count = fields.Integer(data_key="dealerCount", required=True)
    dealers = fields.List(fields.Nested(OrganizationDealerAnswer), required=True)


class CallLeadCountsAnswer(Answer):
    calls = fields.Integer(required=True)
    leads = fields.Integer(required=True)


class TimeToAnswerAnswer(Answer):
    p50 = fields.Float(required=True, allow_none=True)
    p90 = fields.Float(required=True, allow_none=True)
    max = fields.Integer(required=True, allow_none=True)


class KpisAnswer(Answer):
    calls = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    missed = fields.Integer(required=True)
    expired = fields.Integer(required=True)
    answer_rate = fields.Float(data_key="answerRate", required=True, metadata={
        "description": "answered / calls, 4 decimals (0 without calls)."})
    time_to_answer = fields.Nested(TimeToAnswerAnswer, data_key="timeToAnswer", required=True, metadata={
        "description": "Seconds from request to accept; null without answered calls."})
    average_duration_seconds = fields.Float(data_key="averageDurationSeconds", required=True, allow_none=True)
    leads = fields.Integer(required=True)
    lead_rate = fields.Float(data_key="leadRate", required=True, metadata={
        "description": "Calls with a lead / calls, 4 decimals."})


class SeriesBucketAnswer(KpisAnswer):
    start = fields.String(required=True, metadata={"format": "date", "description": "The bucket's first local day."})


class ZoneAnswer(Answer):
    timezone = _text(metadata={"description": "The IANA zone used, or null for the caller's offset."})
    timezone_offset = fields.Integer(data_key="timezoneOffset", required=True)


class SeriesAnswer(ZoneAnswer):
    interval = fields.String(required=True, validate=validate.OneOf(INTERVALS))
    buckets = fields.List(fields.Nested(SeriesBucketAnswer), required=True)


def _week_by_hour(description: str) -> fields.List:
    return fields.List(fields.List(fields.Integer()), required=True, metadata={"description": description})


class HeatmapAnswer(ZoneAnswer):
    weekdays = fields.List(fields.String(), required=True)
    calls = _week_by_hour("7 rows (Monday first) of 24 counts (column h is h:00-h:59).")
    missed = _week_by_hour("The missed calls, laid out as `calls`.")


class DealerStandingAnswer(Answer):
    dealer_id = fields.String(data_key="dealerId", required=True)
    dealer_name = _text(data_key="dealerName")
    answered = fields.Integer(required=True)
    median_time_to_answer_seconds = fields.Float(data_key="medianTimeToAnswerSeconds", required=True,
                                                 allow_none=True)
    average_duration_seconds = fields.Float(data_key="averageDurationSeconds", required=True, allow_none=True)
    leads = fields.Integer(required=True)
