"""Login, password change and logout: issuing tokens and revoking them.

An inactive account (a dealer who registered and is not activated yet, or anyone an admin switched
off) cannot log in or change its password: 403 `account_inactive`, said only after the right
password. Failures count per client address and identifier, and per identifier alone, so
spraying one account from many addresses is limited too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from dropin_common import events

from ..domain.accounts import PRESENCE_OFFLINE, Account
from ..domain.errors import AccountInactive, InvalidCredentials, LoginRateLimited
from ..domain.login_attempts import LoginThrottle, identifier_key, throttle_key
from ..ports import Clock, IssuedToken, PasswordHasher, TokenIssuer, UnitOfWork
from .snapshots import account_event, tokens_revoked_event


@dataclass(frozen=True)
class Session:
    token: IssuedToken
    account: Account


@dataclass(frozen=True)
class LogIn:
    identifier: str  # email or username
    password: str
    client_ip: str | None


@dataclass(frozen=True)
class ChangePassword:
    identifier: str
    password: str
    new_password: str
    client_ip: str | None


@dataclass(frozen=True)
class Credentials:
    """What logging in and changing a password both need."""
    hasher: PasswordHasher
    issuer: TokenIssuer
    clock: Clock
    throttle: LoginThrottle


def log_in(uow: UnitOfWork, deps: Credentials, command: LogIn) -> Session:
    with uow:
        account = _check_credentials(uow, deps, command.identifier, command.password, command.client_ip)
        uow.commit()
    return Session(deps.issuer.issue(account, deps.clock.now().timestamp()), account)


def change_password(uow: UnitOfWork, deps: Credentials, command: ChangePassword) -> Session:
    """Every token issued before now stops working, here at once and elsewhere via the event;
    the caller gets a fresh one issued at exactly the cut-off, so it is the one that survives."""
    with uow:
        account = _check_credentials(uow, deps, command.identifier, command.password, command.client_ip)
        now = deps.clock.now()
        cutoff = now.timestamp()
        account.change_password_hash(deps.hasher.hash(command.new_password), now)
        uow.accounts.save(account)
        # The replicas learn the account's new updatedAt, which the new token's `ver` names: without
        # it they would wait for news that never comes.
        uow.outbox.publish(account_event(events.ACCOUNT_UPDATED, account))
        uow.revocations.cut_off(account.id, cutoff)
        uow.outbox.publish(tokens_revoked_event(account.id, not_before=cutoff))
        uow.commit()
    return Session(deps.issuer.issue(account, cutoff), account)


def log_out(uow: UnitOfWork, clock: Clock, *, account_id: str, jti: str, expires_at: float) -> None:
    """Revokes this one token. A dealer who logs out also goes offline, so no stream rings for
    someone who is not there."""
    expiry = datetime.fromtimestamp(expires_at, tz=timezone.utc)
    with uow:
        uow.revocations.revoke_token(account_id, jti, expiry)
        uow.outbox.publish(tokens_revoked_event(account_id, jti=jti, expires_at=expiry))
        account = uow.accounts.get(account_id)
        if account is not None and account.set_presence(PRESENCE_OFFLINE, clock.now()):
            uow.accounts.save(account)
            uow.outbox.publish(account_event(events.ACCOUNT_PRESENCE_CHANGED, account))
        uow.commit()


def _check_credentials(uow: UnitOfWork, deps: Credentials, identifier: str, password: str,
                       client_ip: str | None) -> Account:
    """The active account if the password matches; a recorded failure (committed) and 401
    otherwise; 429 once the client, or anyone, has failed too often on this identifier; 403 for
    the right password of an inactive account."""
    now = deps.clock.now()
    since = now - deps.throttle.window
    keys = (throttle_key(client_ip, identifier), identifier_key(identifier))
    retry_after = deps.throttle.retry_after_seconds(
        uow.login_attempts.failures_since(keys[0], since),
        uow.login_attempts.failures_since(keys[1], since), now)
    if retry_after is not None:
        raise LoginRateLimited(retry_after)
    account = uow.accounts.find_by_login(identifier)
    verified = deps.hasher.verify(account.password_hash if account else None, password)  # time spent alike
    if account is None or not verified:
        for key in keys:
            uow.login_attempts.record_failure(key, now)
        uow.commit()  # the failure must count even though the request fails
        raise InvalidCredentials()
    for key in keys:
        uow.login_attempts.clear(key)
    if not account.is_active:
        raise AccountInactive()
    return account

