"""Self-registration of a dealer, and the operator's admin bootstrap."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from dropin_common import events

from ..domain.accounts import ROLE_ADMIN, STATUS_ACTIVE, Account, normalize_email
from ..domain.errors import EmailTaken, UsernameTaken
from ..ports import Clock, PasswordHasher, UnitOfWork
from .snapshots import account_event


@dataclass(frozen=True)
class RegisterDealer:
    email: str
    password: str
    username: str
    first_name: str
    last_name: str
    phone: str | None = None


def register_dealer(uow: UnitOfWork, hasher: PasswordHasher, clock: Clock,
                    command: RegisterDealer) -> Account:
    """Creates an inactive dealer; an admin activates it and attaches an organization."""
    with uow:
        if uow.accounts.email_taken(command.email):
            raise EmailTaken()
        if uow.accounts.username_taken(command.username):
            raise UsernameTaken()
        account = Account.new_dealer(
            id=str(uuid.uuid4()), email=command.email, username=command.username,
            first_name=command.first_name, last_name=command.last_name, phone=command.phone,
            password_hash=hasher.hash(command.password), now=clock.now())
        uow.accounts.add(account)
        uow.outbox.publish(account_event(events.ACCOUNT_REGISTERED, account))
        uow.commit()
    return account


@dataclass(frozen=True)
class EnsureAdmin:
    email: str
    password: str
    username: str | None = None


def ensure_admin(uow: UnitOfWork, hasher: PasswordHasher, clock: Clock,
                 command: EnsureAdmin) -> tuple[Account, bool]:
    """Idempotent: creates an active admin, or makes the existing account with that email an
    active admin (its password is left alone). Returns (account, created)."""
    with uow:
        existing = uow.accounts.find_by_login(command.email)
        if existing is not None:
            if existing.promote_to_active_admin(clock.now()):
                uow.accounts.save(existing)
                uow.outbox.publish(account_event(events.ACCOUNT_UPDATED, existing))
                uow.commit()
            return existing, False
        username = command.username or _free_username(uow, normalize_email(command.email))
        if uow.accounts.username_taken(username):
            raise UsernameTaken()
        account = Account.new_dealer(
            id=str(uuid.uuid4()), email=command.email, username=username, first_name="Admin",
            last_name="", phone=None, password_hash=hasher.hash(command.password), now=clock.now())
        account.administer(account.created_at, status=STATUS_ACTIVE, role=ROLE_ADMIN)
        uow.accounts.add(account)
        uow.outbox.publish(account_event(events.ACCOUNT_REGISTERED, account))
        uow.commit()
    return account, True


def _free_username(uow: UnitOfWork, email: str) -> str:
    base = re.sub(r"[^a-z0-9_.-]", "", email.split("@", 1)[0]) or "admin"
    candidate, suffix = base, 1
    while uow.accounts.username_taken(candidate):
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate
