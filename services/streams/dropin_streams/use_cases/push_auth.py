"""The Beams SDK's token provider: a dealer's app asks for the token that ties its device to its
own account id, so pushes published to that user id reach it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dropin_common.kernel import InvalidInput, NotAllowed, Principal, TryLater

from ..ports import UnitOfWork

TokenIssuer = Callable[[str], dict[str, Any]]


def beams_token(uow: UnitOfWork, issue: TokenIssuer | None, principal: Principal,
                user_id: str | None) -> dict[str, Any]:
    if not user_id:
        raise InvalidInput("user_id: the account id to get a Beams token for is required.", field="user_id")
    if user_id != principal.account_id:
        raise NotAllowed("A Beams token is only given for your own account id.", code="not_your_user_id")
    with uow:
        account = uow.accounts.get(principal.account_id)
    # The replica, not the token, decides: a dealer deactivated since login gets no pushes.
    if account is None or not account.is_active_dealer:
        raise NotAllowed("Only an active dealer receives push notifications.", code="not_an_active_dealer")
    if issue is None:
        raise TryLater("Push notifications are not configured on this server.", code="push_disabled")
    return issue(user_id)
