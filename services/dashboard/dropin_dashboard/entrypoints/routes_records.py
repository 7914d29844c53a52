"""Calls and leads: each has a list, a count and a CSV export, admins only. The six endpoints have
one shape, so one function adds both sets to the dashboard blueprint, from `CALLS` and `LEADS`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema

from dropin_common.answers import CountAnswer
from dropin_common.api import Blueprint

from ..bootstrap import Container
from ..use_cases import reports
from .csv_download import csv_answer, csv_response
from .documenting import BAD_FILTER, admins_only, described
from .schemas import (CallAnswer, LeadAnswer, RecordExportSchema, RecordFilterSchema, RecordListSchema, call_json,
                      lead_json, page_from, record_filter_from)


@dataclass(frozen=True)
class RecordEndpoints:
    """What differs between calls and leads: names, use cases, JSON, and how the list reads."""
    records: str  # "calls": /dashboard/getcalls, /dashboard/exportcsvcalls
    record: str  # "call": /dashboard/countcall
    list: Callable[..., list]
    count: Callable[..., int]
    export: Callable[..., Any]
    to_json: Callable[[Any], dict[str, Any]]
    answer: type[Schema]
    filters_described: str
    listed_described: str


CALLS = RecordEndpoints(
    "calls", "call", reports.list_calls, reports.count_calls, reports.export_calls, call_json, CallAnswer,
    filters_described="""`name` matches the shopper's first or last name, `phone`, `vin` and
`organizationName` match any part (any case), `carType`/`carModel`/`carMake` match whole values (any
case), and `status` is a comma-separated set of call statuses (requested, streaming, missed,
completed, expired). `from`/`to` are calendar days (YYYY-MM-DD, both inclusive) of when the call was
requested""",
    listed_described="Calls with the shopper, vehicle and dealer, newest first.")
LEADS = RecordEndpoints(
    "leads", "lead", reports.list_leads, reports.count_leads, reports.export_leads, lead_json, LeadAnswer,
    filters_described="""The filters of `GET /dashboard/getcalls`; `status` is the status of the call
the lead was left on. `from`/`to` are calendar days (YYYY-MM-DD, both inclusive) of when the lead was
left""",
    listed_described="Leads with the shopper, vehicle, comment and callStatus, newest first.")
ZONE = "in the client's time zone given by `timezoneoffset` in minutes with JavaScript's sign (-420 for GMT+7)"


def add_records(bp: Blueprint, container: Container, endpoints: RecordEndpoints) -> None:
    read_models, exporter = container.read_models, container.exporter
    records = endpoints.records

    @bp.get(f"/get{records}", endpoint=f"get{records}")
    @admins_only(bp)
    @bp.filters(RecordListSchema)
    @bp.response(200, endpoints.answer(many=True), description=endpoints.listed_described)
    @bp.errors({400: BAD_FILTER})
    @described(f"""List {records}, newest first.

Admins only. {endpoints.filters_described}, {ZONE}. A page at a time (`skip`, `limit` up to 100).""")
    def list_records(params):
        found = endpoints.list(read_models, record_filter_from(params), page_from(params))
        return [endpoints.to_json(item) for item in found]

    @bp.get(f"/count{endpoints.record}", endpoint=f"count{endpoints.record}")
    @admins_only(bp)
    @bp.filters(RecordFilterSchema)
    @bp.response(200, CountAnswer, description='`{"count": n}`: the number of matching records.')
    @bp.errors({400: BAD_FILTER})
    @described(f"""Count the {records} matching the filters.

Admins only. The filters of `GET /dashboard/get{records}`, without paging, {ZONE}.""")
    def count_records(params):
        return {"count": endpoints.count(read_models, record_filter_from(params))}

    @bp.get(f"/exportcsv{records}", endpoint=f"exportcsv{records}")
    @admins_only(bp)
    @bp.filters(RecordExportSchema)
    @csv_answer(bp, records)
    @bp.errors({400: BAD_FILTER})
    @described(f"""Download the {records} matching the filters as CSV.

Admins only. The filters of `GET /dashboard/get{records}`, {ZONE}; every matching {endpoints.record},
newest first, unless `limit` is given (no cap). The file is streamed as a `text/csv` attachment named
`{records}-<client's today>.csv`, times are written in the client's zone, and cells a spreadsheet
would run as a formula (starting with = + - @ tab or CR) get a leading apostrophe.""")
    def export_records(params):
        offset = params["timezone_offset"]
        blocks = endpoints.export(exporter, record_filter_from(params), page_from(params), offset)
        return csv_response(records, blocks, offset)

