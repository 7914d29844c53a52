"""What the dealer list and count can filter on, already parsed into plain values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DealerFilter:
    name: str | None = None              # first or last name, case-insensitive substring
    phone: str | None = None             # substring
    email: str | None = None             # case-insensitive substring
    organization_name: str | None = None  # case-insensitive substring
    organization_id: str | None = None
    statuses: frozenset[str] = frozenset()          # empty = any
    account_statuses: frozenset[str] = frozenset()  # empty = any
    created_from: datetime | None = None    # inclusive, UTC
    created_before: datetime | None = None  # exclusive, UTC


@dataclass(frozen=True)
class Page:
    skip: int = 0
    limit: int = 20
