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


# --- a dealer who stopped pinging (dealer.presence_lapsed from streams) ---------------------------

def test_a_lapsed_dealer_is_switched_offline_and_the_event_says_why(register, uow, clock, store):
    from dropin_auth.use_cases.presence import lapse_presence
    account = switch_presence(uow, clock, register().id, "online")
    went_online = account.updated_at
    clock.advance(seconds=121)

    assert lapse_presence(uow, clock, lapsed(account.id, went_online))

    assert get_account(uow, account.id).account_status == "offline"
    event = store.events_of(events.ACCOUNT_PRESENCE_CHANGED)[-1]
    assert event.data["account"]["accountStatus"] == "offline" and event.data["reason"] == "presence_timeout"
    assert not lapse_presence(uow, clock, lapsed(account.id, went_online))  # once only


def lapsed(account_id, last_seen_at):
    from dropin_common.contracts.streams import DealerPresenceLapsed
    return DealerPresenceLapsed(account_id=account_id, organization_id=None, last_seen_at=last_seen_at,
                                timeout_seconds=120)


def test_a_late_lapse_report_never_undoes_a_newer_switch_online(register, uow, clock, store):
    from dropin_auth.use_cases.presence import lapse_presence
    account = switch_presence(uow, clock, register().id, "online")
    reported_last_seen = account.updated_at
    clock.advance(seconds=130)
    switch_presence(uow, clock, account.id, "offline")
    clock.advance(seconds=1)
    switch_presence(uow, clock, account.id, "online")  # back online after the report was sent

    assert not lapse_presence(uow, clock, lapsed(account.id, reported_last_seen))
    assert get_account(uow, account.id).account_status == "online"
    assert not lapse_presence(uow, clock, lapsed("nobody", reported_last_seen))
