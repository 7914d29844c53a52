"""What the dashboard shows: records joined the way an admin reads them."""
from __future__ import annotations

from dataclasses import dataclass, field

from .records import Account, Lead, Organization, Shopper, StreamSnapshot


@dataclass(frozen=True)
class Call:
    """One stream as a call: its latest snapshot and the shopper from the stream's lead, if any."""
    stream: StreamSnapshot
    shopper: Shopper = Shopper()
    time_to_answer_seconds: int | None = None  # as stored when the accepting event arrived


@dataclass(frozen=True)
class LeadWithCall:
    lead: Lead
    call_status: str | None  # None while the lead's stream is not known here yet


@dataclass(frozen=True)
class OrganizationWithDealers:
    organization: Organization
    dealers: list[Account] = field(default_factory=list)


@dataclass(frozen=True)
class CallLeadCounts:
    calls: int
    leads: int
