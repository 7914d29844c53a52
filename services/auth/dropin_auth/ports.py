"""The small interfaces the use cases need. SQL, argon2 and JWT adapters implement them; unit
tests use in-memory fakes."""
from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from dropin_common.ports import Outbox, UnitOfWork as BaseUnitOfWork

from .domain.accounts import Account
from .domain.filters import DealerFilter, Page
from .domain.organizations import Organization


class AccountRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, account: Account) -> None:
        """Raises EmailTaken / UsernameTaken if another account won the race for either."""

    @abc.abstractmethod
    def save(self, account: Account) -> None: ...

    @abc.abstractmethod
    def get(self, account_id: str) -> Account | None: ...

    @abc.abstractmethod
    def find_by_login(self, identifier: str) -> Account | None:
        """The account whose email or username equals `identifier`, case-insensitively."""

    @abc.abstractmethod
    def email_taken(self, email: str) -> bool: ...

    @abc.abstractmethod
    def username_taken(self, username: str) -> bool: ...

    @abc.abstractmethod
    def search_dealers(self, dealer_filter: DealerFilter, page: Page) -> list[Account]:
        """Dealers matching the filter, newest first."""

    @abc.abstractmethod
    def count_dealers(self, dealer_filter: DealerFilter) -> int: ...


class OrganizationRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, organization: Organization) -> None:
        """Raises OrganizationCodeTaken if the code is in use."""

    @abc.abstractmethod
    def save(self, organization: Organization) -> None: ...

    @abc.abstractmethod
    def get(self, organization_id: str) -> Organization | None: ...

    @abc.abstractmethod
    def code_taken(self, code: str) -> bool: ...

    @abc.abstractmethod
    def list(self, page: Page, name: str | None = None) -> list[Organization]:
        """By name; `name` is a case-insensitive substring."""


class LoginAttempts(abc.ABC):
    """Failed logins per throttle key, kept where every web worker sees them."""

    @abc.abstractmethod
    def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """Failures strictly after `since`. Also serialises concurrent attempts on the same key
        until the transaction ends."""

    @abc.abstractmethod
    def record_failure(self, key: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def clear(self, key: str) -> None: ...


class Revocations(abc.ABC):
    """Auth's own revocation list (the one its TokenVerifier reads)."""

    @abc.abstractmethod
    def revoke_token(self, account_id: str, jti: str, expires_at: datetime) -> None: ...

    @abc.abstractmethod
    def cut_off(self, account_id: str, not_before: float) -> None:
        """Refuse every token of the account issued before `not_before` (epoch seconds)."""


class UnitOfWork(BaseUnitOfWork):
    """One transaction: `with uow: ...; uow.commit()`. Leaving without commit rolls back."""

    accounts: AccountRepository
    organizations: OrganizationRepository
    login_attempts: LoginAttempts
    revocations: Revocations
    outbox: Outbox



class PasswordHasher(abc.ABC):
    @abc.abstractmethod
    def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    def verify(self, password_hash: str | None, password: str) -> bool:
        """False on a mismatch. With no hash (unknown account) it still spends the time a real
        check takes, so response times do not tell which accounts exist."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    issued_at: float
    expires_at: float


class TokenIssuer(abc.ABC):
    @abc.abstractmethod
    def issue(self, account: Account, issued_at: float) -> IssuedToken: ...


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """Aware UTC datetime."""
