"""Organizations: created and changed by admins; a dealer may look at its own (without token)."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from dropin_common import events

from ..domain.actors import Actor
from ..domain.errors import OrganizationCodeTaken, OrganizationNotFound
from ..domain.filters import Page
from ..domain.organizations import DEFAULT_TIMEZONE, Organization
from ..ports import Clock, UnitOfWork
from .snapshots import organization_event

UNCHANGED: Any = object()


def new_organization_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class CreateOrganization:
    name: str
    code: str
    loan_link: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    business_hours: dict[str, list[list[str]]] | None = None
    holidays: list[str] | None = None
    crm_lead_emails: tuple[str, ...] = ()
    manager_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateOrganization:
    organization_id: str
    name: str = UNCHANGED
    loan_link: str | None = UNCHANGED  # None clears the link
    rotate_token: bool = False
    timezone: str = UNCHANGED
    business_hours: dict[str, list[list[str]]] = UNCHANGED
    holidays: list[str] = UNCHANGED
    crm_lead_emails: list[str] = UNCHANGED
    manager_emails: list[str] = UNCHANGED

    def hours(self) -> dict[str, Any]:
        """The business-hours and integration settings this update sets (the others stay)."""
        return {name: list(value) if isinstance(value, tuple) else value
                for name in HOURS_SETTINGS if (value := getattr(self, name)) is not UNCHANGED}


HOURS_SETTINGS = ("timezone", "business_hours", "holidays", "crm_lead_emails", "manager_emails")


def create_organization(uow: UnitOfWork, clock: Clock, actor: Actor, command: CreateOrganization) -> Organization:
    actor.require_admin()
    with uow:
        if uow.organizations.code_taken(command.code):
            raise OrganizationCodeTaken()
        now = clock.now()
        organization = Organization(id=str(uuid.uuid4()), name=command.name, code=command.code,
                                    loan_link=command.loan_link, token=new_organization_token(),
                                    created_at=now, updated_at=now, timezone=command.timezone,
                                    business_hours=command.business_hours or {},
                                    holidays=command.holidays or [],
                                    crm_lead_emails=list(command.crm_lead_emails),
                                    manager_emails=list(command.manager_emails))
        uow.organizations.add(organization)
        uow.outbox.publish(organization_event(events.ORGANIZATION_CREATED, organization))
        uow.commit()
    return organization


def update_organization(uow: UnitOfWork, clock: Clock, actor: Actor, command: UpdateOrganization) -> Organization:
    actor.require_admin()
    with uow:
        organization = uow.organizations.get(command.organization_id)
        if organization is None:
            raise OrganizationNotFound()
        renamed = command.name is not UNCHANGED and command.name != organization.name
        relinked = command.loan_link is not UNCHANGED and command.loan_link != organization.loan_link
        now = clock.now()
        rescheduled = organization.set_hours(now, **command.hours())
        if not (renamed or relinked or rescheduled or command.rotate_token):
            return organization  # nothing changes: no write, and no event for every replica to apply
        if renamed:
            organization.rename(command.name, now)
        if relinked:
            organization.set_loan_link(command.loan_link, now)
        if command.rotate_token:
            organization.rotate_token(new_organization_token(), now)
        uow.organizations.save(organization)
        uow.outbox.publish(organization_event(events.ORGANIZATION_UPDATED, organization))
        uow.commit()
    return organization


def get_organization(uow: UnitOfWork, actor: Actor, organization_id: str) -> Organization:
    """Admins see any organization; a dealer only the one it belongs to now (others look unknown)."""
    with uow:
        if not actor.is_admin:
            account = uow.accounts.get(actor.account_id)
            if account is None or account.organization_id != organization_id:
                raise OrganizationNotFound()
        organization = uow.organizations.get(organization_id)
    if organization is None:
        raise OrganizationNotFound()
    return organization


def list_organizations(uow: UnitOfWork, actor: Actor, page: Page, name: str | None = None) -> list[Organization]:
    actor.require_admin()
    with uow:
        return uow.organizations.list(page, name)
