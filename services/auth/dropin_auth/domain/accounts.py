"""Accounts: dealers (sales reps of one organization) and admins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dropin_common.kernel import ROLE_ADMIN as ROLE_ADMIN, ROLE_DEALER as ROLE_DEALER  # the roles tokens carry
ROLES = (ROLE_DEALER, ROLE_ADMIN)
STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUSES = (STATUS_ACTIVE, STATUS_INACTIVE)
PRESENCE_ONLINE = "online"
PRESENCE_OFFLINE = "offline"
PRESENCES = (PRESENCE_ONLINE, PRESENCE_OFFLINE)
MIN_PASSWORD_LENGTH = 8


@dataclass
class Account:
    id: str
    email: str
    username: str
    first_name: str
    last_name: str
    phone: str | None
    password_hash: str
    role: str
    status: str
    account_status: str
    organization_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new_dealer(cls, *, id: str, email: str, username: str, first_name: str, last_name: str,
                   phone: str | None, password_hash: str, now: datetime) -> Account:
        """A self-registered account: an inactive, offline dealer with no organization yet.
        An admin activates it and attaches it to an organization."""
        return cls(id=id, email=normalize_email(email), username=username, first_name=first_name,
                   last_name=last_name, phone=phone, password_hash=password_hash, role=ROLE_DEALER,
                   status=STATUS_INACTIVE, account_status=PRESENCE_OFFLINE, organization_id=None,
                   created_at=now, updated_at=now)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_active(self) -> bool:
        return self.status == STATUS_ACTIVE

    def set_presence(self, presence: str, now: datetime) -> bool:
        """Returns whether anything changed (switching online twice is not a change)."""
        if presence not in PRESENCES:
            raise ValueError(f"unknown presence {presence!r}")
        if self.account_status == presence:
            return False
        self.account_status = presence
        self.updated_at = now
        return True

    def administer(self, now: datetime, *, status: str | None = None, role: str | None = None,
                   organization_id: str | None = None, detach: bool = False) -> None:
        """An admin's change of status, role or organization (`detach` clears the organization)."""
        if status is not None:
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}")
            self.status = status
        if role is not None:
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}")
            self.role = role
        if detach:
            self.organization_id = None
        elif organization_id is not None:
            self.organization_id = organization_id
        self.updated_at = now

    def change_password_hash(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.updated_at = now

    def promote_to_active_admin(self, now: datetime) -> bool:
        if self.role == ROLE_ADMIN and self.status == STATUS_ACTIVE:
            return False
        self.administer(now, status=STATUS_ACTIVE, role=ROLE_ADMIN)
        return True


def normalize_email(email: str) -> str:
    return email.strip().lower()
