"""The organizations/accounts replica and VIN decoding."""
from __future__ import annotations

from datetime import date

import pytest

from dropin_common.contracts.auth import AccountUpdated, OrganizationUpdated
from dropin_streams.adapters.vin_decoder import VininfoDecoder
from dropin_streams.domain.vehicle import InvalidVin
from dropin_streams.use_cases.replica import apply_account, apply_organization

from .fakes import FakeUnitOfWork


def org_event(updated_at, name="Acme", **extra):
    return OrganizationUpdated.from_data({"organization": {
        "id": "o1", "name": name, "code": "ACME", "loanLink": None, "tokenHash": "h",
                             "createdAt": "2026-01-01T00:00:00Z", "updatedAt": updated_at, **extra}})


def account_event(updated_at, presence="online"):
    return AccountUpdated.from_data({"account": {
        "id": "a1", "email": "a@x", "username": "a", "firstName": "A", "lastName": "B",
                        "phone": None, "role": "dealer", "status": "active", "accountStatus": presence,
                        "organizationId": "o1", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": updated_at}})


def test_a_newer_organization_snapshot_replaces_the_stored_one():
    uow = FakeUnitOfWork()
    apply_organization(uow.organizations, org_event("2026-01-01T00:00:01Z"))
    apply_organization(uow.organizations, org_event("2026-01-01T00:00:02Z", name="Acme Cars"))
    assert uow.organizations.get("o1").name == "Acme Cars"


def test_an_older_snapshot_arriving_late_is_ignored():
    uow = FakeUnitOfWork()
    apply_account(uow.accounts, account_event("2026-01-01T00:00:05Z", presence="offline"))
    assert not apply_account(uow.accounts, account_event("2026-01-01T00:00:04Z", presence="online"))
    assert uow.accounts.get("a1").account_status == "offline"


def test_a_vin_decodes_to_make_year_country_and_a_valid_checksum():
    decoded = VininfoDecoder().decode("1hgcm82633a004352")
    assert decoded.vin == "1HGCM82633A004352"
    assert (decoded.vehicle.make, decoded.vehicle.year, decoded.vehicle.country) == ("Honda", 2003, "United States")
    assert decoded.checksum_valid is True


def test_a_wrong_check_digit_is_reported_not_refused():
    assert VininfoDecoder().decode("1HGCM82634A004352").checksum_valid is False


def test_the_model_year_is_the_latest_cycle_not_in_the_future():
    # Year letter "A" is 1980 or 2010: in 2005 only 1980 is possible.
    assert VininfoDecoder(today=date(2005, 1, 1)).decode("1HGCM826XAA004352").vehicle.year == 1980
    assert VininfoDecoder(today=date(2026, 1, 1)).decode("1HGCM826XAA004352").vehicle.year == 2010


@pytest.mark.parametrize("vin, reason", [("123", "17"), ("1HGCM82633A00435O", "O")])
def test_a_malformed_vin_says_why(vin, reason):
    with pytest.raises(InvalidVin) as refused:
        VininfoDecoder().decode(vin)
    assert reason in str(refused.value)
