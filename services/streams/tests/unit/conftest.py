from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dropin_common.auth import Principal
from dropin_streams.adapters.vin_decoder import VininfoDecoder
from dropin_streams.domain.replica import Account, Organization
from dropin_streams.domain.tokens import sha256_hex

from .fakes import FakeUnitOfWork

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
VIN = "1HGCM82633A004352"
ORG_TOKEN = "org-secret-token"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def organization(org_id="org-1", code="ACME", *, loan_link="https://loans.example/acme", active=True,
                 token=ORG_TOKEN, updated_at=T0):
    return Organization(id=org_id, name=f"{code} Motors", code=code, loan_link=loan_link,
                        token_hash=sha256_hex(token), active=active, updated_at=updated_at)


def dealer(account_id, org_id="org-1", *, status="active", presence="online", role="dealer"):
    return Account(id=account_id, email=f"{account_id}@example.com", first_name="Dee",
                   last_name=account_id.title(), role=role, status=status, account_status=presence,
                   organization_id=org_id, updated_at=T0)


def principal(account_id, role="dealer", org_id="org-1") -> Principal:
    return Principal(account_id=account_id, role=role, organization_id=org_id, jti=f"jti-{account_id}",
                     issued_at=0, expires_at=2e9)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.organizations.save_if_newer(organization())
    uow.organizations.save_if_newer(organization("org-2", "OTHER", token="other-token"))
    for account in (dealer("alice"), dealer("bob"), dealer("offline-olga", presence="offline"),
                    dealer("inactive-ivan", status="inactive"), dealer("zed", org_id="org-2")):
        uow.accounts.save_if_newer(account)
    return uow


@pytest.fixture
def decoder() -> VininfoDecoder:
    return VininfoDecoder()
