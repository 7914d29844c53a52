"""SQL implementations of the repository ports, and the unit of work that bundles them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from dropin_common.auth import apply_revocation
from dropin_common.contracts.auth import AccountTokensRevoked
from dropin_common.db import OutboxWriter, SqlUnitOfWork

from .. import ports
from ..domain.accounts import ROLE_DEALER, Account
from ..domain.errors import EmailTaken, OrganizationCodeTaken, UsernameTaken
from ..domain.filters import DealerFilter, Page
from ..domain.organizations import Organization
from .tables import accounts, login_failures, messaging, organizations

ACCOUNT_COLUMNS = ("id", "email", "username", "first_name", "last_name", "phone", "password_hash",
                   "role", "status", "account_status", "organization_id", "created_at", "updated_at")
ORGANIZATION_COLUMNS = ("id", "name", "code", "loan_link", "token", "created_at", "updated_at",
                        "timezone", "business_hours", "holidays", "crm_lead_emails", "manager_emails")


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


class SqlAccountRepository(ports.AccountRepository):
    def __init__(self, conn: Connection):
        self._conn = conn

    def add(self, account: Account) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(accounts.insert().values(_account_row(account)))
        except IntegrityError as exc:
            # Lost a race with a concurrent registration of the same email or username.
            if "email" in _constraint(exc):
                raise EmailTaken() from None
            if "username" in _constraint(exc):
                raise UsernameTaken() from None
            raise

    def save(self, account: Account) -> None:
        row = _account_row(account)
        self._conn.execute(accounts.update().where(accounts.c.id == account.id).values(row))

    def get(self, account_id: str) -> Account | None:
        return self._one(accounts.c.id == account_id)

    def find_by_login(self, identifier: str) -> Account | None:
        value = identifier.strip().lower()
        return self._one(sa.or_(sa.func.lower(accounts.c.email) == value,
                                sa.func.lower(accounts.c.username) == value))

    def email_taken(self, email: str) -> bool:
        return self._one(sa.func.lower(accounts.c.email) == email.strip().lower()) is not None

    def username_taken(self, username: str) -> bool:
        return self._one(sa.func.lower(accounts.c.username) == username.strip().lower()) is not None

    def search_dealers(self, dealer_filter: DealerFilter, page: Page) -> list[Account]:
        query = (sa.select(accounts).select_from(_dealers_join(dealer_filter))
                 .where(*_dealer_conditions(dealer_filter))
                 .order_by(accounts.c.created_at.desc(), accounts.c.id)
                 .offset(page.skip).limit(page.limit))
        return [_account(row) for row in self._conn.execute(query).mappings()]

    def count_dealers(self, dealer_filter: DealerFilter) -> int:
        query = (sa.select(sa.func.count()).select_from(_dealers_join(dealer_filter))
                 .where(*_dealer_conditions(dealer_filter)))
        return int(self._conn.execute(query).scalar_one())

    def _one(self, condition) -> Account | None:
        row = self._conn.execute(sa.select(accounts).where(condition).limit(1)).mappings().first()
        return _account(row) if row else None


def _dealers_join(dealer_filter: DealerFilter):
    if dealer_filter.organization_name:
        return accounts.join(organizations, organizations.c.id == accounts.c.organization_id)
    return accounts


def _dealer_conditions(f: DealerFilter) -> list:
    conditions = [accounts.c.role == ROLE_DEALER]
    if f.name:
        full_name = accounts.c.first_name + " " + accounts.c.last_name
        conditions.append(sa.or_(accounts.c.first_name.icontains(f.name, autoescape=True),
                                 accounts.c.last_name.icontains(f.name, autoescape=True),
                                 full_name.icontains(f.name, autoescape=True)))
    if f.phone:
        conditions.append(accounts.c.phone.contains(f.phone, autoescape=True))
    if f.email:
        conditions.append(accounts.c.email.icontains(f.email, autoescape=True))
    if f.organization_name:
        conditions.append(organizations.c.name.icontains(f.organization_name, autoescape=True))
    if f.organization_id:
        conditions.append(accounts.c.organization_id == f.organization_id)
    if f.statuses:
        conditions.append(accounts.c.status.in_(sorted(f.statuses)))
    if f.account_statuses:
        conditions.append(accounts.c.account_status.in_(sorted(f.account_statuses)))
    if f.created_from:
        conditions.append(accounts.c.created_at >= f.created_from)
    if f.created_before:
        conditions.append(accounts.c.created_at < f.created_before)
    return conditions


class SqlOrganizationRepository(ports.OrganizationRepository):
    def __init__(self, conn: Connection):
        self._conn = conn

    def add(self, organization: Organization) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(organizations.insert().values(_organization_row(organization)))
        except IntegrityError as exc:
            if "code" in _constraint(exc):
                raise OrganizationCodeTaken() from None
            raise

    def save(self, organization: Organization) -> None:
        self._conn.execute(organizations.update().where(organizations.c.id == organization.id)
                           .values(_organization_row(organization)))

    def get(self, organization_id: str) -> Organization | None:
        row = self._conn.execute(sa.select(organizations).where(organizations.c.id == organization_id)
                                 ).mappings().first()
        return _organization(row) if row else None

    def code_taken(self, code: str) -> bool:
        query = sa.select(sa.literal(1)).where(organizations.c.code == code)
        return self._conn.execute(query).first() is not None

    def list(self, page: Page, name: str | None = None) -> list[Organization]:
        query = sa.select(organizations).order_by(organizations.c.name, organizations.c.id)
        if name:
            query = query.where(organizations.c.name.icontains(name, autoescape=True))
        rows = self._conn.execute(query.offset(page.skip).limit(page.limit)).mappings()
        return [_organization(row) for row in rows]


class SqlLoginAttempts(ports.LoginAttempts):
    def __init__(self, conn: Connection):
        self._conn = conn

    def failures_since(self, key: str, since: datetime) -> list[datetime]:
        # Concurrent attempts on one key (other threads or gunicorn workers) queue here until this
        # transaction ends, so none of them can slip past the limit between count and insert.
        self._conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))
        self._conn.execute(login_failures.delete().where(
            login_failures.c.throttle_key == key, login_failures.c.failed_at <= since))
        rows = self._conn.execute(sa.select(login_failures.c.failed_at)
                                  .where(login_failures.c.throttle_key == key))
        return [row.failed_at for row in rows]

    def record_failure(self, key: str, at: datetime) -> None:
        self._conn.execute(login_failures.insert().values(throttle_key=key, failed_at=at))

    def clear(self, key: str) -> None:
        self._conn.execute(login_failures.delete().where(login_failures.c.throttle_key == key))


class SqlRevocations(ports.Revocations):
    def __init__(self, conn: Connection):
        self._conn = conn

    def revoke_token(self, account_id: str, jti: str, expires_at: datetime) -> None:
        apply_revocation(self._conn, messaging["revoked_tokens"], messaging["token_cutoffs"],
                         AccountTokensRevoked(account_id=account_id, jti=jti, expires_at=expires_at))

    def cut_off(self, account_id: str, not_before: float) -> None:
        apply_revocation(self._conn, messaging["revoked_tokens"], messaging["token_cutoffs"],
                         AccountTokensRevoked(account_id=account_id, not_before=not_before))


class SqlAuthUnitOfWork(SqlUnitOfWork, ports.UnitOfWork):
    def __init__(self, engine: Engine, *, reading: bool = False):
        super().__init__(engine, messaging["outbox"], reading=reading)

    def _open(self, connection: Connection) -> None:
        _attach_repositories(self, connection)


def _attach_repositories(uow: ports.UnitOfWork, connection: Connection) -> None:
    uow.accounts = SqlAccountRepository(connection)
    uow.organizations = SqlOrganizationRepository(connection)
    uow.login_attempts = SqlLoginAttempts(connection)
    uow.revocations = SqlRevocations(connection)


class BoundAuthUnitOfWork(ports.UnitOfWork):
    """The use cases' unit of work on a transaction someone else owns: a consumer's, which records
    the event id in its inbox and commits both together (commit and rollback here are the owner's)."""

    def __init__(self, connection: Connection):
        self._connection = connection

    def __enter__(self):
        self._writer = OutboxWriter(self._connection, messaging["outbox"])
        self.outbox = self._writer
        _attach_repositories(self, self._connection)
        return self

    def __exit__(self, *exc_info) -> None:
        pass

    def commit(self) -> None:
        self._writer.flush()  # onto the owner's transaction, which commits it with the inbox row

    def rollback(self) -> None:
        pass


def _account_row(account: Account) -> dict:
    return {name: getattr(account, name) for name in ACCOUNT_COLUMNS}


def _account(row) -> Account:
    return Account(**{name: row[name] for name in ACCOUNT_COLUMNS})


def _organization_row(organization: Organization) -> dict:
    return {name: getattr(organization, name) for name in ORGANIZATION_COLUMNS}


def _organization(row) -> Organization:
    return Organization(**{name: row[name] for name in ORGANIZATION_COLUMNS})
