from datetime import timedelta

import pytest

from dropin_auth.domain.actors import Actor
from dropin_auth.domain.errors import AccountNotFound, OrganizationNotFound
from dropin_auth.domain.filters import DealerFilter, Page
from dropin_auth.use_cases.administration import (
    AdministerAccount, administer_account, count_dealers, find_dealers)
from dropin_auth.use_cases.organizations import CreateOrganization, create_organization
from dropin_common import events
from dropin_common.errors import Conflict, Forbidden

from .conftest import dealer_actor
from .fakes import FakeRevocations


@pytest.fixture
def organization(uow, clock, admin):
    return create_organization(uow, clock, admin, CreateOrganization(name="Acme Motors", code="acme"))


def test_admin_activates_a_dealer_and_attaches_it_to_an_organization(register, uow, clock, admin, organization, store):
    dealer = register()

    updated = administer_account(uow, clock, admin, AdministerAccount(
        account_id=dealer.id, status="active", organization_id=organization.id))

    assert (updated.status, updated.organization_id) == ("active", organization.id)
    event = store.events_of(events.ACCOUNT_UPDATED)[-1]
    assert event.data["account"]["status"] == "active"
    assert event.data["account"]["organizationId"] == organization.id


@pytest.mark.parametrize("change", [{"status": "active"}, {"role": "admin"}])
def test_every_change_of_status_or_role_revokes_earlier_tokens(register, uow, clock, admin, store, change):
    dealer = register()
    issued_before = clock.now().timestamp()
    clock.advance(seconds=1)

    administer_account(uow, clock, admin, AdministerAccount(account_id=dealer.id, **change))

    assert FakeRevocations(store).refuses(dealer.id, "any-jti", issued_before)
    [event] = store.events_of(events.ACCOUNT_TOKENS_REVOKED)
    assert event.data == {"accountId": dealer.id, "jti": None, "expiresAt": None,
                          "notBefore": clock.now().timestamp()}


def test_a_patch_that_changes_nothing_keeps_the_tokens(register, uow, clock, admin, store):
    dealer = register()

    administer_account(uow, clock, admin, AdministerAccount(account_id=dealer.id, status="inactive"))

    assert store.cutoffs == {}


def test_changing_role_or_organization_revokes_earlier_tokens(register, uow, clock, admin, organization, store):
    dealer = register()
    issued_before = clock.now().timestamp()
    clock.advance(seconds=1)

    administer_account(uow, clock, admin, AdministerAccount(account_id=dealer.id, organization_id=organization.id))

    assert FakeRevocations(store).refuses(dealer.id, "any-jti", issued_before)
    [event] = store.events_of(events.ACCOUNT_TOKENS_REVOKED)
    assert event.data["accountId"] == dealer.id


def test_detaching_the_organization_clears_it(register, uow, clock, admin, organization):
    dealer = register()
    administer_account(uow, clock, admin, AdministerAccount(account_id=dealer.id, organization_id=organization.id))

    updated = administer_account(uow, clock, admin, AdministerAccount(account_id=dealer.id, detach_organization=True))

    assert updated.organization_id is None


def test_attaching_an_unknown_organization_is_not_found_and_changes_nothing(register, uow, clock, admin, store):
    dealer = register()
    events_before = len(store.events)

    with pytest.raises(OrganizationNotFound) as raised:
        administer_account(uow, clock, admin, AdministerAccount(
            account_id=dealer.id, status="active", organization_id="no-such-org"))

    assert raised.value.field == "organizationId"
    assert store.accounts[dealer.id].status == "inactive"
    assert len(store.events) == events_before


def test_administering_an_unknown_account_is_not_found(uow, clock, admin):
    with pytest.raises(AccountNotFound):
        administer_account(uow, clock, admin, AdministerAccount(account_id="missing", status="active"))


def test_a_dealer_cannot_administer_accounts(register, uow, clock, store):
    dealer = register()

    with pytest.raises(Forbidden):
        administer_account(uow, clock, dealer_actor(dealer), AdministerAccount(
            account_id=dealer.id, status="active", role="admin"))
    assert store.accounts[dealer.id].role == "dealer"


def test_an_admin_cannot_demote_itself(register, uow, clock, admin, store):
    account = register()
    administer_account(uow, clock, admin, AdministerAccount(account_id=account.id, role="admin", status="active"))
    itself = Actor(account_id=account.id, role="admin", organization_id=None)

    with pytest.raises(Conflict):
        administer_account(uow, clock, itself, AdministerAccount(account_id=account.id, role="dealer"))


def test_dealer_list_filters_by_name_status_and_days_and_pages_newest_first(register, uow, clock, admin):
    ann = register(first_name="Ann", last_name="Smith")
    clock.advance(days=1)
    bob = register(first_name="Bob", last_name="Annand")
    clock.advance(days=1)
    register(first_name="Cid", last_name="Jones")
    administer_account(uow, clock, admin, AdministerAccount(account_id=bob.id, status="active"))

    named_ann = find_dealers(uow, admin, DealerFilter(name="ann"), Page())
    assert [a.id for a in named_ann] == [bob.id, ann.id]
    assert count_dealers(uow, admin, DealerFilter(name="ann", statuses=frozenset({"inactive"}))) == 1
    first_day = DealerFilter(created_from=ann.created_at, created_before=ann.created_at + timedelta(days=1))
    assert [a.id for a in find_dealers(uow, admin, first_day, Page())] == [ann.id]
    assert len(find_dealers(uow, admin, DealerFilter(), Page(skip=1, limit=1))) == 1


def test_dealer_list_needs_an_admin(register, uow):
    dealer = register()

    with pytest.raises(Forbidden):
        find_dealers(uow, dealer_actor(dealer), DealerFilter(), Page())
    with pytest.raises(Forbidden):
        count_dealers(uow, dealer_actor(dealer), DealerFilter())
