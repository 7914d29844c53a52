"""Organizations with their dealers, and calls and leads counted together, admins only."""
from __future__ import annotations

from dropin_common.api import Blueprint

from ..bootstrap import Container
from ..use_cases import reports
from .documenting import BAD_FILTER, admins_only
from .schemas import (CallLeadCountsAnswer, OrganizationAnswer, OrganizationListSchema, PeriodSchema,
                      organization_json, page_from, period_from)


def add_overview(bp: Blueprint, container: Container) -> None:
    read_models = container.read_models

    @bp.get("/getorganizations")
    @admins_only(bp)
    @bp.filters(OrganizationListSchema)
    @bp.response(200, OrganizationAnswer(many=True))
    @bp.errors({400: BAD_FILTER})
    def get_organizations(params):
        """List organizations with their dealers.

        Admins only. Organizations whose name contains `name` (any case), each with its dealers and
        `dealerCount`, a page at a time (`skip`, `limit` up to 100).
        """
        rows = reports.list_organizations(read_models, params["name"], page_from(params))
        return [organization_json(row) for row in rows]

    @bp.get("/countcalllead")
    @admins_only(bp)
    @bp.filters(PeriodSchema)
    @bp.response(200, CallLeadCountsAnswer, description='`{"calls": n, "leads": n}`.')
    @bp.errors({400: "A bad `from`, `to` (before `from`) or `timezoneoffset`; the error's `field` names it."})
    def count_calls_and_leads_in_period(params):
        """Count the calls requested and the leads left in a period.

        Admins only. `from`/`to` are calendar days (YYYY-MM-DD, both inclusive) in the client's time
        zone given by `timezoneoffset` in minutes with JavaScript's sign (-420 for GMT+7); either may
        be left out for an open end.
        """
        counts = reports.count_calls_and_leads(read_models, period_from(params))
        return {"calls": counts.calls, "leads": counts.leads}

    @bp.get("/countallcalllead")
    @admins_only(bp)
    @bp.response(200, CallLeadCountsAnswer, description='`{"calls": n, "leads": n}`.')
    def count_all_calls_and_leads():
        """Count every call and every lead.

        Admins only.
        """
        counts = reports.count_calls_and_leads(read_models)
        return {"calls": counts.calls, "leads": counts.leads}

