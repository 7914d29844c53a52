"""Who is calling, as this service knows the account NOW, not as the token remembers it.

A token's `role` and `org` claims are what the account was at login. Every service keeps an
accounts replica (auth: its own table; the others: fed by `account.*` events), and a request is
judged by that replica: an unknown account is refused (401), an inactive one too (403), and the
role and organization the views see are the replica's. One query per request reads the account
and the revocation lists together, so this costs no more than the revocation check it replaces.

Replica lag: a token carries `ver`, the account's `updatedAt` when it was issued. A replica older
than that has not yet heard of the change that made the login possible (a dealer activated a
moment ago), so the check waits for it, polling up to `wait_seconds`, the way every replica wait
here works (`dropin_common.waiting`): few waits at once per process, and a replica still behind
when the wait ends (or no wait slot free) is a retryable 503 `replica_behind`, never a wrong 403.
An account still unknown after the wait is a 401. A replica as new as the token decides at once.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .db import reading_engine
from .errors import Forbidden, Unauthorized
from .waiting import ReplicaBehind, WaitSlots

STATUS_ACTIVE = "active"
VERSION_CLAIM = "ver"
# Timestamps travel as ISO text and come back from PostgreSQL; a millisecond absorbs rounding.
VERSION_TOLERANCE_SECONDS = 0.001


@dataclass(frozen=True)
class AccountStanding:
    """The account as this service's replica holds it."""
    role: str
    status: str | None
    organization_id: str | None
    updated_at: float  # epoch seconds

    @property
    def is_active(self) -> bool:
        return self.status == STATUS_ACTIVE


@dataclass(frozen=True)
class TokenCheck:
    revoked: bool
    account: AccountStanding | None  # None: the replica does not know the account


class ClaimsLike(Protocol):
    account_id: str
    jti: str
    issued_at: float
    account_version: float | None


class AccountReplica(Protocol):
    def check(self, claims: ClaimsLike) -> TokenCheck: ...


class SqlAccountReplica:
    """Reads one account row (any table with id, role, status, organization_id, updated_at) and
    the revocation tables in one round trip."""

    def __init__(self, engine: Engine, accounts: sa.Table, revoked_tokens: sa.Table, token_cutoffs: sa.Table):
        self._engine = reading_engine(engine)  # one statement: no transaction around it
        self._accounts = accounts
        self._revoked = revoked_tokens
        self._cutoffs = token_cutoffs

        self._query = self._build_query()

    def _build_query(self) -> sa.Select:
        # Built once with bound parameters: every authenticated request runs it, and building a
        # statement costs more than running it.
        accounts = self._accounts
        revoked = sa.or_(
            sa.exists().where(self._revoked.c.jti == sa.bindparam("jti")),
            sa.exists().where(self._cutoffs.c.account_id == sa.bindparam("account_id"),
                              self._cutoffs.c.not_before > sa.bindparam("issued_at", type_=sa.Float)))
        probe = sa.select(revoked.label("revoked")).subquery()
        return (sa.select(probe.c.revoked, accounts.c.id, accounts.c.role, accounts.c.status,
                          accounts.c.organization_id, accounts.c.updated_at)
                .select_from(probe.outerjoin(accounts, accounts.c.id == sa.bindparam("account_id"))))

    def check(self, claims: ClaimsLike) -> TokenCheck:
        with self._engine.connect() as conn:
            row = conn.execute(self._query, {"jti": claims.jti, "account_id": claims.account_id,
                                             "issued_at": claims.issued_at}).one()
        account = None
        if row.id is not None:
            account = AccountStanding(role=row.role, status=row.status, organization_id=row.organization_id,
                                      updated_at=_epoch(row.updated_at))
        return TokenCheck(revoked=bool(row.revoked), account=account)


class PrincipalLoader:
    """Turns verified token claims into the caller as the replica knows it, or refuses."""

    def __init__(self, replica: AccountReplica, *, wait_seconds: float = 2.0, poll_seconds: float = 0.05,
                 waiters: int = 4, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic):
        self._replica = replica
        self._wait = wait_seconds
        self._poll = poll_seconds
        self._slots = WaitSlots(waiters)
        self._sleep = sleep
        self._monotonic = monotonic

    def load(self, claims):
        """`claims` is a `dropin_common.auth.Principal` built from the token; returns it with the
        replica's role and organization."""
        check = self._replica.check(claims)
        if not check.revoked and _waits(check, claims) and self._wait > 0:
            check = self._wait_for_replica(claims)
        if check.revoked:
            raise Unauthorized("The token has been revoked.", code="token_revoked")
        account = check.account
        if account is None:
            raise Unauthorized("The token's account is not known here.", code="unknown_account")
        if _behind(account, claims.account_version) and self._wait > 0:
            raise ReplicaBehind("this account's latest change")
        if not account.is_active:
            raise Forbidden("This account is switched off.", code="account_inactive")
        return replace(claims, role=account.role, organization_id=account.organization_id)


    def _wait_for_replica(self, claims) -> TokenCheck:
        with self._slots.slot() as free:
            if not free:
                raise ReplicaBehind("this account")
            deadline = self._monotonic() + self._wait
            while True:
                self._sleep(self._poll)
                check = self._replica.check(claims)
                if check.revoked or not _waits(check, claims) or self._monotonic() >= deadline:
                    return check


def _waits(check: TokenCheck, claims) -> bool:
    return check.account is None or _behind(check.account, claims.account_version)


def _behind(account: AccountStanding, account_version: float | None) -> bool:
    return account_version is not None and account.updated_at + VERSION_TOLERANCE_SECONDS < account_version


def _epoch(moment: datetime | float | None) -> float:
    if moment is None:
        return 0.0
    if isinstance(moment, datetime):
        return moment.timestamp()
    return float(moment)


# --- a minimal replica, for a service that keeps nothing else about accounts --------------------

def account_standing_table(metadata: sa.MetaData, name: str = "accounts") -> sa.Table:
    """What a service needs to judge a caller: the account's role, status and organization."""
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def account_standing_handler(table: sa.Table):
    """The consumer handler for `account.registered|updated|presence_changed` on such a table:
    keeps the newest snapshot by `updatedAt`, so a late or repeated event changes nothing."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    def handle(event, conn) -> None:
        account = event.account  # a contracts.auth.AccountSnapshot
        statement = pg_insert(table).values(
            id=account.id, role=account.role, status=account.status,
            organization_id=account.organization_id, updated_at=account.updated_at)
        conn.execute(statement.on_conflict_do_update(
            index_elements=["id"],
            set_={column: statement.excluded[column] for column in ("role", "status", "organization_id",
                                                                     "updated_at")},
            where=table.c.updated_at < statement.excluded.updated_at))
    return handle
