import pytest

from dropin_auth.domain.errors import AccountNotFound
from dropin_auth.use_cases.presence import get_account, switch_presence
from dropin_common import events


def test_switching_online_publishes_presence_changed(register, uow, clock, store):
    account = register()

    updated = switch_presence(uow, clock, account.id, "online")

    assert updated.account_status == "online"
    [event] = store.events_of(events.ACCOUNT_PRESENCE_CHANGED)
    assert event.data["account"]["accountStatus"] == "online"


def test_switching_to_the_current_presence_publishes_nothing(register, uow, clock, store):
    account = register()

    switch_presence(uow, clock, account.id, "offline")

    assert store.events_of(events.ACCOUNT_PRESENCE_CHANGED) == []


def test_unknown_account_is_not_found(uow, clock):
    with pytest.raises(AccountNotFound):
        switch_presence(uow, clock, "missing", "online")
    with pytest.raises(AccountNotFound):
        get_account(uow, "missing")
