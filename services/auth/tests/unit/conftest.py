from __future__ import annotations

import pytest

from dropin_auth.domain.accounts import ROLE_ADMIN, ROLE_DEALER
from dropin_auth.domain.actors import Actor
from dropin_auth.domain.login_attempts import LoginThrottle
from dropin_auth.use_cases.registration import RegisterDealer, register_dealer
from dropin_auth.use_cases.sessions import Credentials

from .fakes import FakeClock, FakeHasher, FakeIssuer, FakeUnitOfWork, Store


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store) -> FakeUnitOfWork:
    return FakeUnitOfWork(store)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def issuer() -> FakeIssuer:
    return FakeIssuer()


@pytest.fixture
def credentials(hasher, issuer, clock) -> Credentials:
    return Credentials(hasher=hasher, issuer=issuer, clock=clock,
                       throttle=LoginThrottle(max_failures=3, max_identifier_failures=6))


@pytest.fixture
def register(uow, hasher, clock):
    """Registers a dealer; keyword arguments override the defaults."""
    counter = iter(range(1, 10_000))

    def _register(**overrides):
        n = next(counter)
        fields = dict(email=f"dealer{n}@example.com", password="correct horse", username=f"dealer{n}",
                      first_name="Dana", last_name=f"Dealer{n}", phone=None)
        fields.update(overrides)
        return register_dealer(uow, hasher, clock, RegisterDealer(**fields))
    return _register


@pytest.fixture
def admin() -> Actor:
    return Actor(account_id="admin-1", role=ROLE_ADMIN, organization_id=None)


def dealer_actor(account) -> Actor:
    return Actor(account_id=account.id, role=ROLE_DEALER, organization_id=account.organization_id)
