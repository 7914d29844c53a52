import hashlib

import pytest

from dropin_auth.domain.errors import OrganizationCodeTaken, OrganizationNotFound
from dropin_auth.domain.filters import Page
from dropin_auth.use_cases.administration import AdministerAccount, administer_account
from dropin_auth.use_cases.organizations import (
    CreateOrganization, UpdateOrganization, create_organization, get_organization, list_organizations,
    update_organization)
from dropin_auth.use_cases.snapshots import organization_view
from dropin_common import events
from dropin_common.errors import Forbidden
from dropin_common.kernel import Conflict

from .conftest import dealer_actor


def create(uow, clock, admin, code="acme", name="Acme Motors", loan_link=None):
    return create_organization(uow, clock, admin, CreateOrganization(name=name, code=code, loan_link=loan_link))


def test_created_organization_has_a_random_token_and_event_carries_only_its_hash(uow, clock, admin, store):
    first = create(uow, clock, admin, code="acme")
    second = create(uow, clock, admin, code="zenith")

    assert len(first.token) >= 32 and first.token != second.token
    event = store.events_of(events.ORGANIZATION_CREATED)[0]
    snapshot = event.data["organization"]
    assert snapshot["tokenHash"] == hashlib.sha256(first.token.encode()).hexdigest()
    assert first.token not in str(event.to_envelope())


def test_duplicate_code_conflicts(uow, clock, admin):
    create(uow, clock, admin, code="acme")

    with pytest.raises(OrganizationCodeTaken) as raised:
        create(uow, clock, admin, code="acme", name="Other")
    assert isinstance(raised.value, Conflict)


def test_rotating_the_token_replaces_it_and_publishes_the_new_hash(uow, clock, admin, store):
    organization = create(uow, clock, admin)
    old_token = organization.token

    updated = update_organization(uow, clock, admin, UpdateOrganization(
        organization_id=organization.id, rotate_token=True, loan_link="https://loans.example.com"))

    assert updated.token != old_token and updated.loan_link == "https://loans.example.com"
    assert updated.name == "Acme Motors"
    event = store.events_of(events.ORGANIZATION_UPDATED)[-1]
    assert event.data["organization"]["tokenHash"] == hashlib.sha256(updated.token.encode()).hexdigest()


def test_an_update_that_changes_nothing_writes_and_publishes_nothing(uow, clock, admin, store):
    organization = create(uow, clock, admin, loan_link="https://loans.example.com")
    before = organization.updated_at
    clock.advance(seconds=60)

    for command in (UpdateOrganization(organization.id),
                    UpdateOrganization(organization.id, name="Acme Motors", loan_link="https://loans.example.com")):
        unchanged = update_organization(uow, clock, admin, command)
        assert unchanged.updated_at == before

    assert store.events_of(events.ORGANIZATION_UPDATED) == []


def test_loan_link_can_be_cleared(uow, clock, admin):
    organization = create(uow, clock, admin, loan_link="https://loans.example.com")

    updated = update_organization(uow, clock, admin, UpdateOrganization(organization.id, loan_link=None))

    assert updated.loan_link is None


def test_dealer_sees_its_own_organization_and_the_view_hides_the_token(register, uow, clock, admin):
    organization = create(uow, clock, admin)
    dealer = register()
    administer_account(uow, clock, admin, AdministerAccount(account_id=dealer.id, organization_id=organization.id))

    seen = get_organization(uow, dealer_actor(dealer), organization.id)

    assert "token" not in organization_view(seen, include_token=False)
    assert organization_view(seen, include_token=True)["token"] == organization.token


def test_dealer_cannot_see_another_organization(register, uow, clock, admin):
    create(uow, clock, admin, code="mine")
    other = create(uow, clock, admin, code="other")
    dealer = register()

    with pytest.raises(OrganizationNotFound):
        get_organization(uow, dealer_actor(dealer), other.id)


def test_only_admins_create_update_and_list_organizations(register, uow, clock, admin):
    organization = create(uow, clock, admin)
    dealer = dealer_actor(register())

    with pytest.raises(Forbidden):
        create(uow, clock, dealer, code="new")
    with pytest.raises(Forbidden):
        update_organization(uow, clock, dealer, UpdateOrganization(organization.id, name="Mine now"))
    with pytest.raises(Forbidden):
        list_organizations(uow, dealer, Page())
    assert [o.id for o in list_organizations(uow, admin, Page())] == [organization.id]


def test_hours_default_to_always_open_in_utc_and_an_update_publishes_them(uow, clock, admin, store):
    organization = create(uow, clock, admin)
    assert (organization.timezone, organization.business_hours, organization.holidays) == ("UTC", {}, [])
    hours = {"mon": [["09:00", "18:00"]]}
    clock.advance(seconds=60)

    updated = update_organization(uow, clock, admin, UpdateOrganization(
        organization.id, timezone="America/Denver", business_hours=hours, holidays=["2026-12-25"]))

    snapshot = store.events_of(events.ORGANIZATION_UPDATED)[-1].data["organization"]
    assert (snapshot["timezone"], snapshot["businessHours"], snapshot["holidays"]) == (
        "America/Denver", hours, ["2026-12-25"])
    assert updated.updated_at > organization.created_at
    again = update_organization(uow, clock, admin, UpdateOrganization(organization.id, business_hours=hours))
    assert len(store.events_of(events.ORGANIZATION_UPDATED)) == 1 and again.business_hours == hours


def test_integration_settings_are_published_and_an_unchanged_setting_publishes_nothing(uow, clock, admin, store):
    organization = create(uow, clock, admin)
    created = store.events_of(events.ORGANIZATION_CREATED)[0].data["organization"]
    assert (created["crmLeadEmails"], created["managerEmails"]) == ([], [])

    update_organization(uow, clock, admin, UpdateOrganization(
        organization.id, crm_lead_emails=["leads@crm.example.com"], manager_emails=["boss@x.com"]))
    update_organization(uow, clock, admin,
                        UpdateOrganization(organization.id, crm_lead_emails=["leads@crm.example.com"]))

    updates = store.events_of(events.ORGANIZATION_UPDATED)
    assert len(updates) == 1
    snapshot = updates[0].data["organization"]
    assert (snapshot["crmLeadEmails"], snapshot["managerEmails"]) == (["leads@crm.example.com"], ["boss@x.com"])
