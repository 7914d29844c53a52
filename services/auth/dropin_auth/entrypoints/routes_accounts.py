"""`/accounts/*` (presence, me, admin changes) and `/organization/*` (the dealer list)."""
from __future__ import annotations

from flask import Blueprint, abort, g, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated, json_body
from dropin_common.query import load_or_400, parse_filters
from dropin_common.timeutil import day_range_utc

from ..domain.accounts import PRESENCES
from ..domain.filters import DealerFilter, Page
from ..use_cases.administration import AdministerAccount, administer_account, count_dealers, find_dealers
from ..use_cases.presence import get_account, switch_presence
from ..use_cases.snapshots import account_snapshot
from .request_context import actor, container
from .schemas import AccountPatchSchema, DealerCountSchema, DealerListSchema

accounts = Blueprint("accounts", __name__)


@accounts.post("/accounts/status/<presence>")
@authenticated()
def set_presence(presence: str):
    if presence not in PRESENCES:
        abort(404)
    c = container()
    return account_snapshot(switch_presence(c.uow(), c.clock, g.principal.account_id, presence))


@accounts.get("/accounts/me")
@authenticated()
def me():
    return account_snapshot(get_account(container().uow(), g.principal.account_id))


@accounts.patch("/accounts/<account_id>")
@authenticated(ROLE_ADMIN)
def administer(account_id: str):
    body = load_or_400(AccountPatchSchema(), json_body())
    command = AdministerAccount(
        account_id=account_id, status=body.get("status"), role=body.get("role"),
        organization_id=body.get("organization_id"),
        detach_organization="organization_id" in body and body["organization_id"] is None)
    c = container()
    return account_snapshot(administer_account(c.uow(), c.clock, actor(), command))


@accounts.get("/organization/getdealers")
@authenticated(ROLE_ADMIN)
def getdealers():
    filters = parse_filters(DealerListSchema(), request.args)
    page = Page(skip=filters["skip"], limit=filters["limit"])
    dealers = find_dealers(container().uow(), actor(), _dealer_filter(filters), page)
    return [account_snapshot(dealer) for dealer in dealers]


@accounts.get("/organization/countdealer")
@authenticated(ROLE_ADMIN)
def countdealer():
    filters = parse_filters(DealerCountSchema(), request.args)
    return {"count": count_dealers(container().uow(), actor(), _dealer_filter(filters))}


def _dealer_filter(filters: dict) -> DealerFilter:
    start, end = day_range_utc(filters["from_day"], filters["to_day"], filters["timezone_offset"])
    return DealerFilter(
        name=filters["name"], phone=filters["phone"], email=filters["email"],
        organization_name=filters["organization_name"], organization_id=filters["organization_id"],
        statuses=filters["status"], account_statuses=filters["account_status"],
        created_from=start, created_before=end)
