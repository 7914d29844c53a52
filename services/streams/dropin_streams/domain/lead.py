"""A shopper's feedback after a stream: it becomes a sales lead."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dropin_common.errors import BadRequest

from .vehicle import Vehicle


@dataclass(frozen=True)
class Contact:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    comment: str | None = None

    def require_a_way_to_reach(self) -> None:
        """A lead nobody can name or contact is worthless to the dealership."""
        if not (self.first_name or self.last_name or self.email or self.phone):
            raise BadRequest("Give at least a name (firstName or lastName), an email or a phone.",
                             code="lead_contact_missing", field="firstName,lastName,email,phone")


@dataclass(frozen=True)
class Lead:
    id: str
    stream_id: str | None
    organization_id: str
    organization_name: str
    vin: str | None
    vehicle: Vehicle
    contact: Contact
    created_at: datetime
