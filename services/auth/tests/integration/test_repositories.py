"""The SQL adapters against the migrated schema: lookups, filters, uniqueness, throttling data."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from dropin_auth.domain.accounts import Account
from dropin_auth.domain.errors import EmailTaken, OrganizationCodeTaken, UsernameTaken
from dropin_auth.domain.filters import DealerFilter, Page
from dropin_auth.domain.organizations import Organization
from dropin_common.timeutil import ClientTimezoneOffset

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def make_account(n: int, *, created_at: datetime = T0, **overrides) -> Account:
    fields = dict(id=f"00000000-0000-0000-0000-{n:012d}", email=f"dealer{n}@example.com",
                  username=f"dealer{n}", first_name="Dana", last_name=f"Dealer{n}", phone=None,
                  password_hash="hash", role="dealer", status="inactive", account_status="offline",
                  organization_id=None, created_at=created_at, updated_at=created_at)
    fields.update(overrides)
    return Account(**fields)


def make_organization(code: str, name: str, id: str | None = None) -> Organization:
    return Organization(id=id or f"org-{code}", name=name, code=code, loan_link=None, token=f"token-{id or code}",
                        created_at=T0, updated_at=T0)


def store(container, *items):
    with container.uow() as uow:
        for item in items:
            (uow.accounts if isinstance(item, Account) else uow.organizations).add(item)
        uow.commit()


def search(container, page=Page(), **filters):
    with container.uow() as uow:
        return [a.id for a in uow.accounts.search_dealers(DealerFilter(**filters), page)]


def count(container, **filters):
    with container.uow() as uow:
        return uow.accounts.count_dealers(DealerFilter(**filters))


def test_account_round_trips_and_is_found_by_email_or_username_in_any_case(container):
    account = make_account(1, phone="+1 555 0100", username="Ann.Lee")
    store(container, account)

    with container.uow() as uow:
        assert uow.accounts.get(account.id) == account
        assert uow.accounts.find_by_login("DEALER1@example.com").id == account.id
        assert uow.accounts.find_by_login("ann.lee").id == account.id
        assert uow.accounts.find_by_login("nobody") is None


def test_unique_indexes_catch_duplicates_the_pre_checks_missed(container):
    store(container, make_account(1))

    with container.uow() as uow:
        with pytest.raises(EmailTaken):
            uow.accounts.add(make_account(2, email="DEALER1@EXAMPLE.COM"))
        with pytest.raises(UsernameTaken):
            uow.accounts.add(make_account(3, username="DEALER1"))
        uow.accounts.add(make_account(4))  # the transaction is still usable
        uow.commit()
    assert count(container) == 2


def test_duplicate_organization_code_conflicts(container):
    store(container, make_organization("acme", "Acme"))

    with container.uow() as uow, pytest.raises(OrganizationCodeTaken):
        uow.organizations.add(make_organization("acme", "Another", id="org-another"))


def test_name_filter_is_a_case_insensitive_substring_of_first_or_last_name(container):
    store(container, make_account(1, first_name="Annabel", last_name="Smith"),
          make_account(2, first_name="Bob", last_name="McCann"),
          make_account(3, first_name="Cid", last_name="Jones"))

    assert sorted(search(container, name="ANN")) == sorted([make_account(1).id, make_account(2).id])
    assert search(container, name="bel smi") == [make_account(1).id]
    assert search(container, name="%") == []  # LIKE wildcards are matched literally


def test_email_phone_status_and_presence_filters(container):
    store(container, make_account(1, email="ann@acme.com", phone="555-0101", status="active", account_status="online"),
          make_account(2, email="bob@zenith.com", phone="555-0202", status="active"),
          make_account(3, email="cid@acme.com", phone="555-0303"))

    assert sorted(search(container, email="ACME")) == sorted([make_account(1).id, make_account(3).id])
    assert search(container, phone="0202") == [make_account(2).id]
    assert count(container, statuses=frozenset({"active"})) == 2
    assert count(container, statuses=frozenset({"active", "inactive"})) == 3
    assert search(container, account_statuses=frozenset({"online"})) == [make_account(1).id]


def test_organization_filters_by_id_and_name_substring(container):
    acme, zenith = make_organization("acme", "Acme Motors"), make_organization("zenith", "Zenith Cars")
    store(container, acme, zenith, make_account(1, organization_id=acme.id),
          make_account(2, organization_id=zenith.id), make_account(3))

    assert search(container, organization_id=acme.id) == [make_account(1).id]
    assert search(container, organization_name="motor") == [make_account(1).id]
    assert count(container, organization_name="c") == 2  # "Acme", "Zenith Cars"


def test_admins_are_not_listed_as_dealers(container):
    store(container, make_account(1), make_account(2, role="admin"))

    assert search(container) == [make_account(1).id]


def test_day_range_uses_the_clients_time_zone(container):
    # 20:00 UTC on March 1st is already 03:00 on March 2nd in GMT+7 (timezoneoffset -420).
    late_evening_utc = datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc)
    morning_utc = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    store(container, make_account(1, created_at=late_evening_utc), make_account(2, created_at=morning_utc))
    march_1, march_2 = date(2026, 3, 1), date(2026, 3, 2)

    start, end = ClientTimezoneOffset(-420).day_range_utc(march_2, march_2)
    assert search(container, created_from=start, created_before=end) == [make_account(1).id]
    start, end = ClientTimezoneOffset(0).day_range_utc(march_1, march_1)
    assert count(container, created_from=start, created_before=end) == 2
    start, end = ClientTimezoneOffset(-420).day_range_utc(march_1, march_1)
    assert search(container, created_from=start, created_before=end) == [make_account(2).id]


def test_dealers_page_newest_first(container):
    store(container, *(make_account(n, created_at=T0 + timedelta(minutes=n)) for n in range(1, 6)))

    assert search(container, Page(skip=1, limit=2)) == [make_account(4).id, make_account(3).id]


def test_organizations_list_by_name_with_substring_filter(container):
    store(container, make_organization("z", "Zenith"), make_organization("a", "Acme"),
          make_organization("b", "Best Acme"))

    with container.uow() as uow:
        assert [o.code for o in uow.organizations.list(Page())] == ["a", "b", "z"]
        assert [o.code for o in uow.organizations.list(Page(), name="acme")] == ["a", "b"]


def test_login_failures_outside_the_window_are_forgotten(container):
    key = "10.0.0.1|ann"
    with container.uow() as uow:
        uow.login_attempts.record_failure(key, T0)
        uow.login_attempts.record_failure(key, T0 + timedelta(minutes=4))
        uow.login_attempts.record_failure("other|ann", T0 + timedelta(minutes=4))
        uow.commit()

    with container.uow() as uow:
        assert uow.login_attempts.failures_since(key, T0) == [T0 + timedelta(minutes=4)]
        uow.login_attempts.clear(key)
        assert uow.login_attempts.failures_since(key, T0 - timedelta(days=1)) == []
        assert len(uow.login_attempts.failures_since("other|ann", T0)) == 1
