"""Calls (one per stream): the list, the count and the CSV export, admins only."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated
from dropin_common.query import parse_filters

from ..bootstrap import Container
from ..use_cases import reports
from .csv_download import csv_response
from .schemas import (RecordExportSchema, RecordFilterSchema, RecordListSchema, call_json, page_from,
                      record_filter_from)


def calls_blueprint(container: Container) -> Blueprint:
    bp = Blueprint("calls", __name__, url_prefix="/dashboard")
    read_models, exporter = container.read_models, container.exporter

    @bp.get("/getcalls")
    @authenticated(ROLE_ADMIN)
    def get_calls():
        """---
        get:
          tags: [dashboard]
          summary: List calls, newest first
          description: >
            Admins only. `name` matches the shopper's first or last name, `phone`, `vin` and
            `organizationName` match any part (any case), `carType`/`carModel`/`carMake` match whole
            values (any case), and `status` is a comma-separated set of call statuses (requested,
            streaming, missed, completed, expired). `from`/`to` are calendar days (YYYY-MM-DD, both
            inclusive) of when the call was requested, in the client's time zone given by
            `timezoneoffset` in minutes with JavaScript's sign (`getTimezoneOffset()`: -420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordListSchema}]
          responses:
            200: {description: "A JSON array of calls with the shopper, vehicle and dealer (`limit` up to 100)."}
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(RecordListSchema(), request.args)
        calls = reports.list_calls(read_models, record_filter_from(params), page_from(params))
        return jsonify([call_json(call) for call in calls])

    @bp.get("/countcall")
    @authenticated(ROLE_ADMIN)
    def count_calls():
        """---
        get:
          tags: [dashboard]
          summary: Count the calls matching the filters
          description: >
            Admins only. The filters of `GET /dashboard/getcalls`, without paging. `from`/`to` are
            calendar days in the client's time zone given by `timezoneoffset` (JavaScript's sign:
            -420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordFilterSchema}]
          responses:
            200: {description: '`{"count": n}`, the number of matching records.'}
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(RecordFilterSchema(), request.args)
        return {"count": reports.count_calls(read_models, record_filter_from(params))}

    @bp.get("/exportcsvcalls")
    @authenticated(ROLE_ADMIN)
    def export_calls():
        """---
        get:
          tags: [dashboard]
          summary: Download the calls matching the filters as CSV
          description: >
            Admins only. The filters of `GET /dashboard/getcalls`; every matching call, newest first,
            unless `limit` is given (no cap). The file is streamed as a `text/csv` attachment named
            `calls-<client's today>.csv`, times are written in the client's zone, and cells a
            spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading
            apostrophe. `from`/`to` are calendar days in the client's time zone given by
            `timezoneoffset` (JavaScript's sign: -420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordExportSchema}]
          responses:
            200:
              description: A CSV file with a header row, streamed as it is produced.
              headers:
                Content-Disposition:
                  description: '`attachment; filename="calls-YYYY-MM-DD.csv"`'
                  schema: {type: string}
              content: {text/csv: {schema: {type: string}}}
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(RecordExportSchema(), request.args)
        offset = params["timezone_offset"]
        blocks = reports.export_calls(exporter, record_filter_from(params), page_from(params), offset)
        return csv_response("calls", blocks, offset)

    return bp
