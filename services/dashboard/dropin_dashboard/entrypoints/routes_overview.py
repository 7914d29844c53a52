"""Organizations with their dealers, and calls and leads counted together, admins only."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated
from dropin_common.query import parse_filters

from ..bootstrap import Container
from ..use_cases import reports
from .schemas import OrganizationListSchema, PeriodSchema, organization_json, page_from, period_from


def overview_blueprint(container: Container) -> Blueprint:
    bp = Blueprint("overview", __name__, url_prefix="/dashboard")
    read_models = container.read_models

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
