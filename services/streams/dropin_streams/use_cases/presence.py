"""Honest presence: a dealer who switched online but has shown no sign of life (a ping, or the
switch itself) for the presence timeout is offline. Ringing already skips them (see
AccountRepository.online_active_dealers); here the worker also tells auth, which owns
`accountStatus`, so every client and read model sees them offline (`dealer.presence_lapsed`)."""
from __future__ import annotations

from datetime import datetime

from dropin_common.contracts.streams import DealerPresenceLapsed

from ..domain.availability import Presence
from ..domain.replica import Account
from ..ports import UnitOfWork


def lapse_silent_dealers(uow: UnitOfWork, now: datetime, presence: Presence,
                         batch_size: int = 100) -> list[Account]:
    """One batch; each lapsed dealer is reported once (the replica marks them offline until auth's
    next word on them)."""
    with uow:
        lapsed = uow.accounts.claim_lapsed_dealers(presence.alive_since(now), batch_size)
        for account, last_seen_at in lapsed:
            uow.accounts.mark_offline(account.id)
            uow.outbox.publish(DealerPresenceLapsed(
                account_id=account.id, organization_id=account.organization_id, last_seen_at=last_seen_at,
                timeout_seconds=int(presence.timeout.total_seconds())).to_event())
        uow.commit()
    return [account for account, _ in lapsed]
