"""The events auth publishes: accounts, their tokens, organizations (routing key = TYPE)."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, ClassVar

from .. import events as names
from .base import EventContract, Payload


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountSnapshot(Payload):
    id: str
    email: str
    username: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    role: str  # dealer | admin
    status: str  # active | inactive
    account_status: str  # online | offline
    organization_id: str | None
    created_at: datetime
    updated_at: datetime  # orders snapshots: a consumer keeps the newest


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountRegistered(EventContract):
    TYPE: ClassVar[str] = names.ACCOUNT_REGISTERED
    account: AccountSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountUpdated(EventContract):
    TYPE: ClassVar[str] = names.ACCOUNT_UPDATED
    account: AccountSnapshot


PRESENCE_TIMEOUT = "presence_timeout"


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountPresenceChanged(EventContract):
    TYPE: ClassVar[str] = names.ACCOUNT_PRESENCE_CHANGED
    account: AccountSnapshot
    # PRESENCE_TIMEOUT when auth switched the dealer offline because streams reported it silent
    # (dealer.presence_lapsed); null for the dealer's own switch.
    reason: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountTokensRevoked(EventContract):
    """A logout (`jti`, refused until `expiresAt`) or a password change or deactivation
    (`notBefore`, epoch seconds: every token of the account issued before it is refused)."""
    TYPE: ClassVar[str] = names.ACCOUNT_TOKENS_REVOKED
    account_id: str
    jti: str | None = None
    expires_at: datetime | None = None
    not_before: float | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrganizationSnapshot(Payload):
    """tokenHash is the sha256 hex of the organization token (the token never leaves auth).
    businessHours ({"mon": [["09:00", "18:00"]], ...}; {} = always open) and holidays
    (["2026-12-25", ...]) are read in `timezone` (IANA; null or absent in older events: UTC), as
    dropin_common.business_hours does. Events older than the other fields lack them: {}, [], [], []."""
    id: str
    name: str
    code: str
    loan_link: str | None
    token_hash: str | None
    created_at: datetime
    updated_at: datetime
    timezone: str | None = None
    business_hours: dict[str, Any] = dataclasses.field(default_factory=dict)
    holidays: tuple[str, ...] = ()
    crm_lead_emails: tuple[str, ...] = ()  # at most 5: each lead as an ADF/XML mail
    manager_emails: tuple[str, ...] = ()  # at most 10: alerted about missed calls


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrganizationCreated(EventContract):
    TYPE: ClassVar[str] = names.ORGANIZATION_CREATED
    organization: OrganizationSnapshot


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrganizationUpdated(EventContract):
    TYPE: ClassVar[str] = names.ORGANIZATION_UPDATED
    organization: OrganizationSnapshot


AccountEvent = AccountRegistered | AccountUpdated | AccountPresenceChanged
OrganizationEvent = OrganizationCreated | OrganizationUpdated
ACCOUNT_EVENTS = (AccountRegistered, AccountUpdated, AccountPresenceChanged)
ORGANIZATION_EVENTS = (OrganizationCreated, OrganizationUpdated)
CONTRACTS = (*ACCOUNT_EVENTS, AccountTokensRevoked, *ORGANIZATION_EVENTS)
