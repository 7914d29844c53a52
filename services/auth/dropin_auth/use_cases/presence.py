"""A logged-in account switches itself online (ready to be rung) or offline."""
from __future__ import annotations

from dropin_common import events
from dropin_common.contracts.auth import PRESENCE_TIMEOUT
from dropin_common.contracts.streams import DealerPresenceLapsed

from ..domain.accounts import PRESENCE_OFFLINE, PRESENCE_ONLINE, Account
from ..domain.errors import AccountNotFound
from ..ports import Clock, UnitOfWork
from .snapshots import account_event


def switch_presence(uow: UnitOfWork, clock: Clock, account_id: str, presence: str) -> Account:
    """Publishes account.presence_changed only when the presence really changed."""
    with uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise AccountNotFound()
        if account.set_presence(presence, clock.now()):
            uow.accounts.save(account)
            uow.outbox.publish(account_event(events.ACCOUNT_PRESENCE_CHANGED, account))
            uow.commit()
    return account


def get_account(uow: UnitOfWork, account_id: str) -> Account:
    with uow:
        account = uow.accounts.get(account_id)
    if account is None:
        raise AccountNotFound()
    return account


def lapse_presence(uow: UnitOfWork, clock: Clock, report: DealerPresenceLapsed) -> bool:
    """Streams saw an online dealer send no ping since `lastSeenAt` (dealer.presence_lapsed):
    switch it offline and say why. A dealer that changed since (went online again, say) is left
    alone, so a late report never undoes a newer switch. Returns whether it was switched."""
    with uow:
        account = uow.accounts.get(report.account_id)
        if (account is None or account.account_status != PRESENCE_ONLINE
                or account.updated_at > report.last_seen_at):
            return False
        account.set_presence(PRESENCE_OFFLINE, clock.now())
        uow.accounts.save(account)
        uow.outbox.publish(account_event(events.ACCOUNT_PRESENCE_CHANGED, account, reason=PRESENCE_TIMEOUT))
        uow.commit()
    return True
