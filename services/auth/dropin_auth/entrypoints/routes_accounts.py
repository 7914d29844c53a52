"""`/accounts/*` (presence, me, admin changes) and `/organization/*` (the dealer list)."""
from __future__ import annotations

from flask import g

from dropin_common.api import Blueprint
from dropin_common.auth import ROLE_ADMIN
from dropin_common.timeutil import ClientTimezoneOffset

from ..domain.filters import DealerFilter, Page
from ..use_cases.administration import AdministerAccount, administer_account, count_dealers, find_dealers
from ..use_cases.presence import get_account, switch_presence
from ..use_cases.snapshots import account_snapshot
from .request_context import actor, container
from .schemas import AccountPatchSchema, AccountSchema, CountSchema, DealerCountSchema, DealerListSchema

accounts = Blueprint("accounts", __name__, description="The caller's account, and admins' changes to accounts.")
ACCOUNT_GONE = "The account no longer exists."


@accounts.post("/accounts/status/<any(online,offline):presence>")
@accounts.authenticated()
@accounts.response(200, AccountSchema)
@accounts.errors({404: f"A presence other than online/offline, or {ACCOUNT_GONE[0].lower()}{ACCOUNT_GONE[1:]}"})
def set_presence(presence: str):
    """Switch the caller's account online or offline

    `online` means ready to be rung for streams. An `account.presence_changed` event is published
    only when the presence really changes. The answer is the account with its new `accountStatus`.
    """
    c = container()
    return account_snapshot(switch_presence(c.uow(), c.clock, g.principal.account_id, presence))


@accounts.get("/accounts/me")
@accounts.authenticated()
@accounts.response(200, AccountSchema)
@accounts.errors({404: ACCOUNT_GONE})
def me():
    """The caller's account"""
    return account_snapshot(get_account(container().reader(), g.principal.account_id))


@accounts.patch("/accounts/<account_id>")
@accounts.authenticated(ROLE_ADMIN)
@accounts.arguments(AccountPatchSchema)
@accounts.response(200, AccountSchema)
@accounts.errors({404: "No such account, or no organization with the given `organizationId`.",
                  409: "An admin tried to deactivate or demote themselves (`cannot_demote_self`)."})
def administer(body, account_id: str):
    """Change an account's status, role or organization (admin)

    A change of role or organization revokes the account's earlier tokens (it must log in again).
    Admins cannot deactivate or demote themselves. An unknown field is a 400.
    """
    command = AdministerAccount(
        account_id=account_id, status=body.get("status"), role=body.get("role"),
        organization_id=body.get("organization_id"),
        detach_organization="organization_id" in body and body["organization_id"] is None)
    c = container()
    return account_snapshot(administer_account(c.uow(), c.clock, actor(), command))


@accounts.get("/organization/getdealers", tags=["dealers"])
@accounts.authenticated(ROLE_ADMIN)
@accounts.filters(DealerListSchema)
@accounts.response(200, AccountSchema(many=True))
def getdealers(filters):
    """Find dealer accounts (admin)

    Newest first. Filters combine: `name`, `email`, `phone` and `organizationName` match
    substrings (`name` of the first, last or full name); `status` (active, inactive) and
    `accountStatus` (online, offline) take comma-separated values; `from`/`to` are inclusive days
    of the creation date in the caller's time zone (`timezoneoffset` in minutes, as JavaScript's
    `getTimezoneOffset`: -420 for GMT+7); `to` must not be before `from`.
    """
    page = Page(skip=filters["skip"], limit=filters["limit"])
    dealers = find_dealers(container().reader(), actor(), _dealer_filter(filters), page)
    return [account_snapshot(dealer) for dealer in dealers]


@accounts.get("/organization/countdealer", tags=["dealers"])
@accounts.authenticated(ROLE_ADMIN)
@accounts.filters(DealerCountSchema)
@accounts.response(200, CountSchema)
def countdealer(filters):
    """Count dealer accounts (admin)

    The same filters as `GET /organization/getdealers`, without paging.
    """
    return {"count": count_dealers(container().reader(), actor(), _dealer_filter(filters))}


def _dealer_filter(filters: dict) -> DealerFilter:
    start, end = ClientTimezoneOffset(filters["timezone_offset"]).day_range_utc(filters["from_day"], filters["to_day"])
    return DealerFilter(
        name=filters["name"], phone=filters["phone"], email=filters["email"],
        organization_name=filters["organization_name"], organization_id=filters["organization_id"],
        statuses=filters["status"], account_statuses=filters["account_status"],
        created_from=start, created_before=end)
