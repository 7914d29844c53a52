"""What a shopper's page asks before offering the button: is the organization open, and is anybody
there to answer."""
from __future__ import annotations

from datetime import datetime

from ..domain.availability import Availability, Presence, availability_at, business_hours_of
from ..ports import UnitOfWork
from .request_stream import active_organization


def check_availability(uow: UnitOfWork, organization_code: str, now: datetime,
                       presence: Presence = Presence()) -> Availability:
    with uow:
        organization = active_organization(uow, organization_code)
        online = uow.accounts.count_online_active_dealers(organization.id, presence.alive_since(now))
    return availability_at(business_hours_of(organization), online, now)
