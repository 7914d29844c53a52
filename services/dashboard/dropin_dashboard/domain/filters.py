"""What an admin asks the dashboard for: filters over calls and leads, a page, a period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dropin_common.timeutil import ClientTimezoneOffset

# The stream statuses; requested/streaming are calls in progress, the rest ended calls.
CALL_STATUSES = ("requested", "streaming", "missed", "completed", "expired")


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval [start, end); either end may be open."""
    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def from_days(cls, from_day: date | None, to_day: date | None, timezone_offset: int = 0) -> Period:
        """Calendar days, both inclusive, in the client's zone (`timezone_offset` as the contract gives it).

        One offset covers both ends: the client sends the offset it has now, so a range across a
        DST change is computed with that single offset, as the client's own date picker does.
        """
        start, end = ClientTimezoneOffset(timezone_offset).day_range_utc(from_day, to_day)
        return cls(start, end)

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None


@dataclass(frozen=True)
class Page:
    skip: int = 0
    limit: int | None = 20  # None: every row (CSV exports)


@dataclass(frozen=True)
class RecordFilter:
    """Filters shared by calls and leads. `None` / empty means "no filter on this"."""
    name: str | None = None               # shopper's first or last name, substring, any case
    phone: str | None = None              # substring
    organization_name: str | None = None  # substring, any case
    statuses: frozenset[str] = frozenset()  # of CALL_STATUSES; for leads, their call's status
    car_type: str | None = None           # equality, any case
    car_model: str | None = None
    car_make: str | None = None
    vin: str | None = None                # substring (so also a prefix)
    organization_id: str | None = None    # equality
    period: Period = Period()             # on requestedAt (calls) / createdAt (leads)

    @property
    def is_period_only(self) -> bool:
        """True when nothing but the period (if even that) narrows the records."""
        return self == RecordFilter(period=self.period)
