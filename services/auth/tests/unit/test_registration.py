import pytest

from dropin_auth.domain.accounts import ROLE_ADMIN, ROLE_DEALER, STATUS_ACTIVE, STATUS_INACTIVE
from dropin_auth.domain.errors import EmailTaken, UsernameTaken
from dropin_auth.use_cases.registration import EnsureAdmin, ensure_admin
from dropin_common import events
from dropin_common.kernel import Conflict


def test_registered_account_is_an_inactive_offline_dealer_without_organization(register, store):
    account = register(email="Ann@Example.com ", username="ann", first_name="Ann", last_name="Lee")

    assert (account.role, account.status, account.account_status) == (ROLE_DEALER, STATUS_INACTIVE, "offline")
    assert account.organization_id is None
    assert account.email == "ann@example.com"
    assert store.accounts[account.id].password_hash == "fake$correct horse"


def test_registration_publishes_account_registered_without_password_hash(register, store):
    account = register()

    [event] = store.events_of(events.ACCOUNT_REGISTERED)
    assert event.data["account"]["id"] == account.id
    assert "passwordHash" not in event.data["account"] and "password_hash" not in event.data["account"]
    assert not any("fake$" in str(value) for value in event.data["account"].values())


def test_registering_a_taken_email_in_other_case_conflicts(register, store):
    register(email="ann@example.com", username="ann")

    with pytest.raises(EmailTaken) as raised:
        register(email="ANN@example.com", username="ann2")
    assert isinstance(raised.value, Conflict) and raised.value.code == "email_taken"
    assert len(store.accounts) == 1


def test_registering_a_taken_username_conflicts(register, store):
    register(username="ann")

    with pytest.raises(UsernameTaken) as raised:
        register(username="Ann")
    assert raised.value.code == "username_taken"
    assert len(store.events_of(events.ACCOUNT_REGISTERED)) == 1


def test_ensure_admin_creates_an_active_admin(uow, hasher, clock, store):
    account, created = ensure_admin(uow, hasher, clock, EnsureAdmin("root@example.com", "admin-password"))

    assert created
    assert (account.role, account.status, account.username) == (ROLE_ADMIN, STATUS_ACTIVE, "root")


def test_ensure_admin_promotes_an_existing_account_and_keeps_its_password(register, uow, hasher, clock, store):
    dealer = register(email="boss@example.com", password="original-pass")

    account, created = ensure_admin(uow, hasher, clock, EnsureAdmin("boss@example.com", "other-password"))

    assert not created and account.id == dealer.id
    assert (account.role, account.status) == (ROLE_ADMIN, STATUS_ACTIVE)
    assert store.accounts[dealer.id].password_hash == "fake$original-pass"
    assert len(store.events_of(events.ACCOUNT_UPDATED)) == 1


def test_ensure_admin_twice_changes_nothing_the_second_time(uow, hasher, clock, store):
    ensure_admin(uow, hasher, clock, EnsureAdmin("root@example.com", "admin-password"))
    _, created = ensure_admin(uow, hasher, clock, EnsureAdmin("root@example.com", "admin-password"))

    assert not created
    assert len(store.accounts) == 1 and len(store.events) == 1
