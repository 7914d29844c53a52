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
        params = parse_filters(OrganizationListSchema(), request.args)
        rows = reports.list_organizations(read_models, params["name"], page_from(params))
        return jsonify([organization_json(row) for row in rows])

    @bp.get("/getcalls")
    @authenticated(ROLE_ADMIN)
    def get_calls():
        params = parse_filters(RecordListSchema(), request.args)
        calls = reports.list_calls(read_models, record_filter_from(params), page_from(params))
        return jsonify([call_json(call) for call in calls])

    @bp.get("/countcall")
    @authenticated(ROLE_ADMIN)
    def count_calls():
        params = parse_filters(RecordFilterSchema(), request.args)
        return {"count": reports.count_calls(read_models, record_filter_from(params))}

    @bp.get("/exportcsvcalls")
    @authenticated(ROLE_ADMIN)
    def export_calls():
        params = parse_filters(RecordExportSchema(), request.args)
        offset = params["timezone_offset"]
        blocks = reports.export_calls(exporter, record_filter_from(params), page_from(params), offset)
        return _csv_response("calls", blocks, offset)

    @bp.get("/getleads")
    @authenticated(ROLE_ADMIN)
    def get_leads():
        params = parse_filters(RecordListSchema(), request.args)
        leads = reports.list_leads(read_models, record_filter_from(params), page_from(params))
        return jsonify([lead_json(lead) for lead in leads])

    @bp.get("/countlead")
    @authenticated(ROLE_ADMIN)
    def count_leads():
        params = parse_filters(RecordFilterSchema(), request.args)
        return {"count": reports.count_leads(read_models, record_filter_from(params))}

    @bp.get("/exportcsvleads")
    @authenticated(ROLE_ADMIN)
    def export_leads():
        params = parse_filters(RecordExportSchema(), request.args)
        offset = params["timezone_offset"]
        blocks = reports.export_leads(exporter, record_filter_from(params), page_from(params), offset)
        return _csv_response("leads", blocks, offset)

    @bp.get("/countcalllead")
    @authenticated(ROLE_ADMIN)
    def count_calls_and_leads_in_period():
        params = parse_filters(PeriodSchema(), request.args)
        counts = reports.count_calls_and_leads(read_models, period_from(params))
        return {"calls": counts.calls, "leads": counts.leads}

    @bp.get("/countallcalllead")
    @authenticated(ROLE_ADMIN)
    def count_all_calls_and_leads():
        counts = reports.count_calls_and_leads(read_models)
        return {"calls": counts.calls, "leads": counts.leads}

    return bp
