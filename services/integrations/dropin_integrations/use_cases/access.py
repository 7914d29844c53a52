"""Who may use this service: admins whose account is still active and still an admin.

The token's claims are not enough: an admin deactivated or demoted a minute ago still holds a
signed token. The account's current state comes from the replica kept from `account.*` events;
an account this service has never heard of is refused too.
"""
from __future__ import annotations

from dropin_common.auth import Principal
from dropin_common.errors import Forbidden, Unauthorized

from ..ports import UnitOfWorkFactory


def require_active_admin(principal: Principal, uow: UnitOfWorkFactory) -> None:
    with uow() as work:
        account = work.replica.account(principal.account_id)
    if account is None:
        raise Unauthorized("This account is not known.", code="unknown_account")
    if account.status != "active":
        raise Forbidden("This account is deactivated.", code="account_inactive")
    if not account.is_active_admin:
        raise Forbidden("Only admins may do this.", code="admin_only")
