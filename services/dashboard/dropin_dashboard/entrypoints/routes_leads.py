"""Leads: the list, the count and the CSV export, admins only."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated
from dropin_common.query import parse_filters

from ..bootstrap import Container
from ..use_cases import reports
from .csv_download import csv_response
from .schemas import (RecordExportSchema, RecordFilterSchema, RecordListSchema, lead_json, page_from,
                      record_filter_from)


def leads_blueprint(container: Container) -> Blueprint:
    bp = Blueprint("leads", __name__, url_prefix="/dashboard")
    read_models, exporter = container.read_models, container.exporter

    @bp.get("/getleads")
    @authenticated(ROLE_ADMIN)
    def get_leads():
        """---
        get:
          tags: [dashboard]
          summary: List leads, newest first
          description: >
            Admins only. The filters of `GET /dashboard/getcalls`; `status` is the status of the call
            the lead was left on. `from`/`to` are calendar days (YYYY-MM-DD, both inclusive) of when
            the lead was left, in the client's time zone given by `timezoneoffset` in minutes with
            JavaScript's sign (-420 for GMT+7).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: RecordListSchema}]
          responses:
            200:
              description: "A JSON array of leads with the shopper, vehicle, comment and callStatus
                (`limit` up to 100)."
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(RecordListSchema(), request.args)
        leads = reports.list_leads(read_models, record_filter_from(params), page_from(params))
        return jsonify([lead_json(lead) for lead in leads])

    @bp.get("/countlead")
    @authenticated(ROLE_ADMIN)
    def count_leads():
        """---
        get:
          tags: [dashboard]
          summary: Count the leads matching the filters
          description: >
            Admins only. The filters of `GET /dashboard/getleads`, without paging. `from`/`to` are
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
        return {"count": reports.count_leads(read_models, record_filter_from(params))}

    @bp.get("/exportcsvleads")
    @authenticated(ROLE_ADMIN)
    def export_leads():
        """---
        get:
          tags: [dashboard]
          summary: Download the leads matching the filters as CSV
          description: >
            Admins only. The filters of `GET /dashboard/getleads`; every matching lead, newest first,
            unless `limit` is given (no cap). The file is streamed as a `text/csv` attachment named
            `leads-<client's today>.csv`, times are written in the client's zone, and cells a
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
                  description: '`attachment; filename="leads-YYYY-MM-DD.csv"`'
                  schema: {type: string}
              content: {text/csv: {schema: {type: string}}}
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(RecordExportSchema(), request.args)
        offset = params["timezone_offset"]
        blocks = reports.export_leads(exporter, record_filter_from(params), page_from(params), offset)
        return csv_response("leads", blocks, offset)

    return bp
