"""Calls and leads: each has a list, a count and a CSV export, admins only. The six endpoints have
one shape, so one blueprint factory builds both sets, from `CALLS` and `LEADS`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import Any

from flask import Blueprint, jsonify, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated
from dropin_common.query import parse_filters

from ..bootstrap import Container
from ..use_cases import reports
from .csv_download import csv_response
from .schemas import (RecordExportSchema, RecordFilterSchema, RecordListSchema, call_json, lead_json, page_from,
                      record_filter_from)


@dataclass(frozen=True)
class RecordEndpoints:
    """What differs between calls and leads: names, use cases, JSON, and how the list reads."""
    records: str  # "calls": /dashboard/getcalls, /dashboard/exportcsvcalls
    record: str  # "call": /dashboard/countcall
    list: Callable[..., list]
    count: Callable[..., int]
    export: Callable[..., Any]
    to_json: Callable[[Any], dict[str, Any]]
    filters_described: str
    listed_described: str


CALLS = RecordEndpoints(
    "calls", "call", reports.list_calls, reports.count_calls, reports.export_calls, call_json,
    filters_described="""`name` matches the shopper's first or last name, `phone`, `vin` and
            `organizationName` match any part (any case), `carType`/`carModel`/`carMake` match whole
            values (any case), and `status` is a comma-separated set of call statuses (requested,
            streaming, missed, completed, expired). `from`/`to` are calendar days (YYYY-MM-DD, both
            inclusive) of when the call was requested""",
    listed_described="A JSON array of calls with the shopper, vehicle and dealer (`limit` up to 100).")
LEADS = RecordEndpoints(
    "leads", "lead", reports.list_leads, reports.count_leads, reports.export_leads, lead_json,
    filters_described="""The filters of `GET /dashboard/getcalls`; `status` is the status of the call
            the lead was left on. `from`/`to` are calendar days (YYYY-MM-DD, both inclusive) of when
            the lead was left""",
    listed_described="A JSON array of leads with the shopper, vehicle, comment and callStatus (`limit` up to 100).")

# OpenAPI docs (see dropin_common.openapi); `$records`, `$record` and the descriptions are filled in.
_ERRORS = """
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
LIST_DOC = Template("""---
        get:
          tags: [dashboard]
          summary: List $records, newest first
          description: >
            Admins only. $filters_described, in the client's time zone given by `timezoneoffset` in
            minutes with JavaScript's sign (`getTimezoneOffset()`: -420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordListSchema}]
          responses:
            200: {description: "$listed_described"}""" + _ERRORS)
COUNT_DOC = Template("""---
        get:
          tags: [dashboard]
          summary: Count the $records matching the filters
          description: >
            Admins only. The filters of `GET /dashboard/get$records`, without paging. `from`/`to` are
            calendar days in the client's time zone given by `timezoneoffset` (JavaScript's sign:
            -420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordFilterSchema}]
          responses:
            200: {description: '`{"count": n}`, the number of matching records.'}""" + _ERRORS)
EXPORT_DOC = Template("""---
        get:
          tags: [dashboard]
          summary: Download the $records matching the filters as CSV
          description: >
            Admins only. The filters of `GET /dashboard/get$records`; every matching $record, newest
            first, unless `limit` is given (no cap). The file is streamed as a `text/csv` attachment
            named `$records-<client's today>.csv`, times are written in the client's zone, and cells
            a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading
            apostrophe. `from`/`to` are calendar days in the client's time zone given by
            `timezoneoffset` (JavaScript's sign: -420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordExportSchema}]
          responses:
            200:
              description: A CSV file with a header row, streamed as it is produced.
              headers:
                Content-Disposition:
                  description: '`attachment; filename="$records-YYYY-MM-DD.csv"`'
                  schema: {type: string}
              content: {text/csv: {schema: {type: string}}}""" + _ERRORS)


def records_blueprint(container: Container, endpoints: RecordEndpoints) -> Blueprint:
    bp = Blueprint(endpoints.records, __name__, url_prefix="/dashboard")
    read_models, exporter = container.read_models, container.exporter
    names = vars(endpoints)

    @bp.get(f"/get{endpoints.records}")
    @authenticated(ROLE_ADMIN)
    def list_records():
        params = parse_filters(RecordListSchema(), request.args)
        found = endpoints.list(read_models, record_filter_from(params), page_from(params))
        return jsonify([endpoints.to_json(item) for item in found])

    @bp.get(f"/count{endpoints.record}")
    @authenticated(ROLE_ADMIN)
    def count_records():
        params = parse_filters(RecordFilterSchema(), request.args)
        return {"count": endpoints.count(read_models, record_filter_from(params))}

    @bp.get(f"/exportcsv{endpoints.records}")
    @authenticated(ROLE_ADMIN)
    def export_records():
        params = parse_filters(RecordExportSchema(), request.args)
        offset = params["timezone_offset"]
        blocks = endpoints.export(exporter, record_filter_from(params), page_from(params), offset)
        return csv_response(endpoints.records, blocks, offset)

    for view, doc in ((list_records, LIST_DOC), (count_records, COUNT_DOC), (export_records, EXPORT_DOC)):
        view.__doc__ = doc.substitute(names)
    return bp
