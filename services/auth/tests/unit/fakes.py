"""In-memory adapters for the use cases: same contracts as the SQL ones, no I/O."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from dropin_auth import ports
from dropin_auth.domain.accounts import ROLE_DEALER, Account
from dropin_auth.domain.errors import EmailTaken, OrganizationCodeTaken, UsernameTaken
from dropin_auth.domain.filters import DealerFilter, Page
from dropin_auth.domain.organizations import Organization
from dropin_common.events import Event


@dataclass
class Store:
    """Everything the fake unit of work persists; what a test inspects afterwards."""
    accounts: dict[str, Account] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    login_failures: list[tuple[str, datetime]] = field(default_factory=list)
    revoked_jtis: dict[str, datetime] = field(default_factory=dict)
    cutoffs: dict[str, float] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def events_of(self, event_type: str) -> list[Event]:
        return [event for event in self.events if event.type == event_type]


class FakeAccounts(ports.AccountRepository):
    def __init__(self, store: Store):
        self._store = store

    def add(self, account: Account) -> None:
        if self.email_taken(account.email):
            raise EmailTaken()
        if self.username_taken(account.username):
            raise UsernameTaken()
        self._store.accounts[account.id] = account

    def save(self, account: Account) -> None:
        self._store.accounts[account.id] = account

    def get(self, account_id: str) -> Account | None:
        return self._store.accounts.get(account_id)

    def find_by_login(self, identifier: str) -> Account | None:
        value = identifier.strip().lower()
        return next((a for a in self._store.accounts.values()
                     if value in (a.email.lower(), a.username.lower())), None)

    def email_taken(self, email: str) -> bool:
        return any(a.email.lower() == email.strip().lower() for a in self._store.accounts.values())

    def username_taken(self, username: str) -> bool:
        return any(a.username.lower() == username.strip().lower() for a in self._store.accounts.values())

    def search_dealers(self, dealer_filter: DealerFilter, page: Page) -> list[Account]:
        found = sorted(self._matching(dealer_filter), key=lambda a: a.created_at, reverse=True)
        return found[page.skip:page.skip + page.limit]

    def count_dealers(self, dealer_filter: DealerFilter) -> int:
        return len(self._matching(dealer_filter))

    def _matching(self, f: DealerFilter) -> list[Account]:
        def matches(a: Account) -> bool:
            org = self._store.organizations.get(a.organization_id or "")
            return (a.role == ROLE_DEALER
                    and (not f.name or f.name.lower() in f"{a.first_name} {a.last_name}".lower())
                    and (not f.phone or f.phone in (a.phone or ""))
                    and (not f.email or f.email.lower() in a.email)
                    and (not f.organization_name or (org and f.organization_name.lower() in org.name.lower()))
                    and (not f.organization_id or a.organization_id == f.organization_id)
                    and (not f.statuses or a.status in f.statuses)
                    and (not f.account_statuses or a.account_status in f.account_statuses)
                    and (not f.created_from or a.created_at >= f.created_from)
                    and (not f.created_before or a.created_at < f.created_before))
        return [a for a in self._store.accounts.values() if matches(a)]


class FakeOrganizations(ports.OrganizationRepository):
    def __init__(self, store: Store):
        self._store = store

    def add(self, organization: Organization) -> None:
        if self.code_taken(organization.code):
            raise OrganizationCodeTaken()
        self._store.organizations[organization.id] = organization

    def save(self, organization: Organization) -> None:
        self._store.organizations[organization.id] = organization

    def get(self, organization_id: str) -> Organization | None:
        return self._store.organizations.get(organization_id)

    def code_taken(self, code: str) -> bool:
        return any(o.code == code for o in self._store.organizations.values())

    def list(self, page: Page, name: str | None = None) -> list[Organization]:
        found = sorted((o for o in self._store.organizations.values()
                        if not name or name.lower() in o.name.lower()), key=lambda o: o.name)
        return found[page.skip:page.skip + page.limit]


class FakeLoginAttempts(ports.LoginAttempts):
    def __init__(self, store: Store):
        self._store = store

    def failures_since(self, key: str, since: datetime) -> list[datetime]:
        return [at for k, at in self._store.login_failures if k == key and at > since]

    def record_failure(self, key: str, at: datetime) -> None:
        self._store.login_failures.append((key, at))

    def clear(self, key: str) -> None:
        self._store.login_failures = [(k, at) for k, at in self._store.login_failures if k != key]


class FakeRevocations(ports.Revocations):
    def __init__(self, store: Store):
        self._store = store

    def revoke_token(self, account_id: str, jti: str, expires_at: datetime) -> None:
        self._store.revoked_jtis[jti] = expires_at

    def cut_off(self, account_id: str, not_before: float) -> None:
        self._store.cutoffs[account_id] = max(not_before, self._store.cutoffs.get(account_id, 0.0))

    def refuses(self, account_id: str, jti: str, issued_at: float) -> bool:
        """What TokenVerifier would decide for a token with these claims."""
        return jti in self._store.revoked_jtis or self._store.cutoffs.get(account_id, 0.0) > issued_at


class FakeOutbox(ports.Outbox):
    def __init__(self, pending: list[Event]):
        self._pending = pending

    def publish(self, event: Event) -> None:
        self._pending.append(event)

    def add(self, destination: str, topic: str, payload: dict) -> None:
        raise AssertionError(f"auth sends nothing but broker events, not {destination}/{topic}")


class FakeUnitOfWork(ports.UnitOfWork):
    """Leaving the block without commit() restores the store as it was at entry."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self):
        self._before = copy.deepcopy(self.store)
        self._pending: list[Event] = []
        self.accounts = FakeAccounts(self.store)
        self.organizations = FakeOrganizations(self.store)
        self.login_attempts = FakeLoginAttempts(self.store)
        self.revocations = FakeRevocations(self.store)
        self.outbox = FakeOutbox(self._pending)
        return self

    def commit(self) -> None:
        self.store.events.extend(self._pending)
        self._pending.clear()
        self._before = copy.deepcopy(self.store)

    def rollback(self) -> None:
        restored = self._before
        for name in vars(restored):
            setattr(self.store, name, getattr(restored, name))
        self._pending.clear()


class FakeHasher(ports.PasswordHasher):
    """Reversible on purpose: fast, and lets a test see which password was stored."""

    def hash(self, password: str) -> str:
        return f"fake${password}"

    def verify(self, password_hash: str | None, password: str) -> bool:
        return password_hash is not None and password_hash == self.hash(password)


class FakeIssuer(ports.TokenIssuer):
    def __init__(self):
        self.issued: list[tuple[str, ports.IssuedToken]] = []

    def issue(self, account: Account, issued_at: float) -> ports.IssuedToken:
        jti = f"jti-{len(self.issued) + 1}"
        token = ports.IssuedToken(token=f"token-for-{account.id}-{jti}", jti=jti,
                                  issued_at=issued_at, expires_at=issued_at + 3600)
        self.issued.append((account.id, token))
        return token


class FakeClock(ports.Clock):
    def __init__(self, start: datetime = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)):
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)
