"""`create_app()` for gunicorn: the contract's `/dashboard/*` endpoints, admins only."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import Blueprint, Flask, Response, jsonify, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.readiness import readiness_checks
from dropin_common.http import authenticated, create_service_app
from dropin_common.query import parse_filters
from dropin_common.timeutil import utcnow

from ..bootstrap import Container, bootstrap
from ..use_cases import reports
from .schemas import (OrganizationListSchema, PeriodSchema, RecordExportSchema, RecordFilterSchema,
                      RecordListSchema, call_json, lead_json, organization_json, page_from, period_from,
                      record_filter_from)


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("dashboard", max_body_bytes=container.settings.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.amqp_url),
                             verifier=container.verifier)
    app.register_blueprint(dashboard_blueprint(container))
    return app


def _started(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """Runs the export up to its first block now, so a failing query is an error response rather
    than a cut-off download; the rest streams as PostgreSQL produces it."""
    first = next(blocks, b"")

    def stream():
        yield first
        yield from blocks
    return stream()


def _csv_response(kind: str, blocks: Iterator[bytes], timezone_offset: int) -> Response:
    client_today = (utcnow() - timedelta(minutes=timezone_offset)).date().isoformat()
    return Response(_started(blocks), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{kind}-{client_today}.csv"',
        "X-Accel-Buffering": "no",  # let nginx pass blocks on as they come
        "Cache-Control": "no-store"})


def dashboard_blueprint(container: Container) -> Blueprint:
    bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
    read_models, exporter = container.read_models, container.exporter

    @bp.get("/getorganizations")
    @authenticated(ROLE_ADMIN)
    def get_organizations():
        """---
        get:
          tags: [dashboard]
          summary: List organizations with their dealers
          description: >
            Admins only. Organizations whose name contains `name` (any case), each with its dealers
            and `dealerCount`, a page at a time (`skip`, `limit` up to 100).
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: OrganizationListSchema}]
          responses:
            200:
              description: "A JSON array of organizations: id, name, code, loanLink, createdAt,
                dealerCount, dealers."
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(OrganizationListSchema(), request.args)
        rows = reports.list_organizations(read_models, params["name"], page_from(params))
        return jsonify([organization_json(row) for row in rows])

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
        return _csv_response("calls", blocks, offset)

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
        return _csv_response("leads", blocks, offset)

    @bp.get("/countcalllead")
    @authenticated(ROLE_ADMIN)
    def count_calls_and_leads_in_period():
        """---
        get:
          tags: [dashboard]
          summary: Count the calls requested and the leads left in a period
          description: >
            Admins only. `from`/`to` are calendar days (YYYY-MM-DD, both inclusive) in the client's
            time zone given by `timezoneoffset` in minutes with JavaScript's sign (-420 for GMT+7);
            either may be left out for an open end.
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: PeriodSchema}]
          responses:
            200: {description: '`{"calls": n, "leads": n}`.'}
            400: A bad `from`, `to` (before `from`) or `timezoneoffset`; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        params = parse_filters(PeriodSchema(), request.args)
        counts = reports.count_calls_and_leads(read_models, period_from(params))
        return {"calls": counts.calls, "leads": counts.leads}

    @bp.get("/countallcalllead")
    @authenticated(ROLE_ADMIN)
    def count_all_calls_and_leads():
        """---
        get:
          tags: [dashboard]
          summary: Count every call and every lead
          description: Admins only.
          security: [{apikey: [], jwt: []}]
          responses:
            200: {description: '`{"calls": n, "leads": n}`.'}
            401: No valid JWT.
            403: Admins only (a dealer's token is refused).
        """
        counts = reports.count_calls_and_leads(read_models)
        return {"calls": counts.calls, "leads": counts.leads}

    return bp
