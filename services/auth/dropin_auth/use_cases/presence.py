"""A logged-in account switches itself online (ready to be rung) or offline."""
from __future__ import annotations

from dropin_common import events

from ..domain.accounts import Account
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
