"""A shopper's feedback after a stream: it becomes a sales lead."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from dropin_common.kernel import InvalidInput

from .vehicle import Vehicle

MAX_NAME_LENGTH = 50
# Letters (any script, with their combining marks), spaces, hyphens, apostrophes (the typewriter
# one and the typographic one phone keyboards type) and dots: "Anne-Marie", "O'Neil", "J. R.".
_NAME_PUNCTUATION = frozenset(" -'.\u2019")
# A dot followed by two or more letters reads as a domain ("evil.com", "bit.ly"): mail clients and
# CRMs turn it into a link, so a name cannot carry one.
_DOMAIN_LIKE = re.compile(r"\.[^\W\d_]{2,}")
# Control, format (zero-width, bidi overrides), unassigned and private-use characters, and line
# or paragraph separators: nothing a name needs, everything a spoofer does.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def person_name(value: str | None, field: str) -> str | None:
    """A shopper's first or last name, NFKC-normalised, or a 400 naming `field`."""
    if value is None:
        return None
    name = unicodedata.normalize("NFKC", value).strip()
    if not name:
        return None
    if any(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in name):
        raise _bad_name(field, "must not contain control or invisible characters")
    if len(name) > MAX_NAME_LENGTH:
        raise _bad_name(field, f"must be at most {MAX_NAME_LENGTH} characters")
    if not all(char in _NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM" for char in name):
        raise _bad_name(field, "may only contain letters, spaces, '-', \"'\" and '.'")
    if not any(unicodedata.category(char)[0] == "L" for char in name):
        raise _bad_name(field, "must contain a letter")
    if _DOMAIN_LIKE.search(name):
        raise _bad_name(field, "must not look like a web address")
    return name


def _bad_name(field: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{field} {reason}.", code="invalid_name", field=field)


@dataclass(frozen=True)
class Contact:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    comment: str | None = None

    def with_valid_names(self) -> Contact:
        """The names are shown to the dealership and its CRM: only what a name can be."""
        return replace(self, first_name=person_name(self.first_name, "firstName"),
                       last_name=person_name(self.last_name, "lastName"))

    def require_a_way_to_reach(self) -> None:
        """A lead nobody can name or contact is worthless to the dealership."""
        if not (self.first_name or self.last_name or self.email or self.phone):
            raise InvalidInput("Give at least a name (firstName or lastName), an email or a phone.",
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
