"""`/accounts/*` (presence, me, admin changes) and `/organization/*` (the dealer list)."""
from __future__ import annotations

from flask import Blueprint, abort, g, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated, json_body
from dropin_common.query import load_or_400, parse_filters
from dropin_common.timeutil import ClientTimezoneOffset

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
    """---
    post:
      tags: [accounts]
      summary: Switch the caller's account online or offline
      description: >
        `online` means ready to be rung for streams. An `account.presence_changed` event is
        published only when the presence really changes.
      security: [{apikey: [], jwt: []}]
      parameters:
        - {in: path, name: presence, required: true, schema: {type: string, enum: [online, offline]}}
      responses:
        200: {description: "The caller's account, with its new `accountStatus`."}
        401: No token, or an invalid, expired or revoked one.
        404: A presence other than online/offline, or the account no longer exists.
    """
    if presence not in PRESENCES:
        abort(404)
    c = container()
    return account_snapshot(switch_presence(c.uow(), c.clock, g.principal.account_id, presence))


@accounts.get("/accounts/me")
@authenticated()
def me():
    """---
    get:
      tags: [accounts]
      summary: The caller's account
      security: [{apikey: [], jwt: []}]
      responses:
        200:
          description: >
            The account: id, email, username, firstName, lastName, phone, role, status,
            accountStatus, organizationId, createdAt, updatedAt.
        401: No token, or an invalid, expired or revoked one.
        404: The account no longer exists.
    """
    return account_snapshot(get_account(container().uow(), g.principal.account_id))


@accounts.patch("/accounts/<account_id>")
@authenticated(ROLE_ADMIN)
def administer(account_id: str):
    """---
    patch:
      tags: [accounts]
      summary: Change an account's status, role or organization (admin)
      description: >
        Admin only. Send at least one of `status`, `role`, `organizationId`; `organizationId: null`
        detaches the account from its organization, and an unknown field is a 400. A change of
        role or organization revokes the account's earlier tokens (it must log in again). Admins
        cannot deactivate or demote themselves.
      security: [{apikey: [], jwt: []}]
      requestBody:
        required: true
        content: {application/json: {schema: AccountPatchSchema}}
      responses:
        200: {description: "The changed account."}
        400: An empty body, an unknown field, or a bad status, role or organizationId.
        401: No token, or an invalid, expired or revoked one.
        403: The caller is not an admin.
        404: No such account, or no organization with the given `organizationId`.
        409: An admin tried to deactivate or demote themselves.
    """
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
    """---
    get:
      tags: [dealers]
      summary: Find dealer accounts (admin)
      description: >
        Admin only. Newest first. Filters combine: `name`, `email`, `phone` and
        `organizationName` match substrings (`name` of the first, last or full name);
        `status` (active, inactive) and `accountStatus` (online, offline) take comma-separated
        values; `from`/`to` are inclusive days of the creation date in the caller's time zone
        (`timezoneoffset` in minutes, as JavaScript's `getTimezoneOffset`: -420 for GMT+7).
      security: [{apikey: [], jwt: []}]
      parameters: [{in: query, schema: DealerListSchema}]
      responses:
        200: {description: "A page of dealer accounts."}
        400: A bad filter value (unknown status, bad date, `to` before `from`, skip/limit out of range).
        401: No token, or an invalid, expired or revoked one.
        403: The caller is not an admin.
    """
    filters = parse_filters(DealerListSchema(), request.args)
    page = Page(skip=filters["skip"], limit=filters["limit"])
    dealers = find_dealers(container().uow(), actor(), _dealer_filter(filters), page)
    return [account_snapshot(dealer) for dealer in dealers]


@accounts.get("/organization/countdealer")
@authenticated(ROLE_ADMIN)
def countdealer():
    """---
    get:
      tags: [dealers]
      summary: Count dealer accounts (admin)
      description: Admin only. The same filters as `GET /organization/getdealers`, without paging.
      security: [{apikey: [], jwt: []}]
      parameters: [{in: query, schema: DealerCountSchema}]
      responses:
        200: {description: "`{count}`."}
        400: A bad filter value (unknown status, bad date, `to` before `from`).
        401: No token, or an invalid, expired or revoked one.
        403: The caller is not an admin.
    """
    filters = parse_filters(DealerCountSchema(), request.args)
    return {"count": count_dealers(container().uow(), actor(), _dealer_filter(filters))}


def _dealer_filter(filters: dict) -> DealerFilter:
    start, end = ClientTimezoneOffset(filters["timezone_offset"]).day_range_utc(filters["from_day"], filters["to_day"])
    return DealerFilter(
        name=filters["name"], phone=filters["phone"], email=filters["email"],
        organization_name=filters["organization_name"], organization_id=filters["organization_id"],
        statuses=filters["status"], account_statuses=filters["account_status"],
        created_from=start, created_before=end)
