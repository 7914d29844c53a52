"""Whether a request to an organization can ring anybody now: its business hours, and how many of
its dealers are really online. A request that cannot ring is answered `missed` at once instead of
keeping the shopper waiting for the ring timeout."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from dropin_common.business_hours import BusinessHours, InvalidBusinessHours

from .replica import Organization
from .stream import MISSED_CLOSED, MISSED_NOBODY_ONLINE

log = logging.getLogger(__name__)

ALWAYS_OPEN = BusinessHours.from_wire("UTC", {}, [])


@dataclass(frozen=True)
class Availability:
    open: bool
    dealers_online: int
    next_open_at: datetime | None  # in the organization's zone; None while open (or never again)

    @property
    def missed_reason(self) -> str | None:
        """Why a request now would be missed at once; None when it can ring."""
        if not self.open:
            return MISSED_CLOSED
        if self.dealers_online == 0:
            return MISSED_NOBODY_ONLINE
        return None


def business_hours_of(organization: Organization) -> BusinessHours:
    try:
        return BusinessHours.from_wire(organization.timezone, organization.business_hours,
                                       organization.holidays)
    except InvalidBusinessHours as exc:
        # auth validates before publishing, so this is a bug or a newer format: ringing a dealer
        # who is away beats refusing every shopper.
        log.error("organization %s has unreadable business hours, treated as always open: %s",
                  organization.id, exc)
        return ALWAYS_OPEN


def availability_at(hours: BusinessHours, dealers_online: int, now: datetime) -> Availability:
    if hours.is_open(now):
        return Availability(True, dealers_online, None)
    return Availability(False, dealers_online, hours.next_open(now))


@dataclass(frozen=True)
class Presence:
    """A dealer who went online counts as online only while they keep showing signs of life
    (a ping, or the switch to online itself) within `timeout`."""
    timeout: timedelta = timedelta(seconds=120)

    def alive_since(self, now: datetime) -> datetime:
        return now - self.timeout
