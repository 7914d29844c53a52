"""UTC clock, ISO-8601 text, and the client's time zone offset as the contract gives it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import overload


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a `Z`, or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


@overload
def parse_iso(text: str) -> datetime: ...
@overload
def parse_iso(text: str | None) -> datetime | None: ...


def parse_iso(text: str | None) -> datetime | None:
    """An ISO-8601 instant (naive: UTC); None for None or an empty text."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ClientTimezoneOffset:
    """The contract's `timezoneoffset`: JavaScript's `Date.getTimezoneOffset()`, the minutes of UTC
    minus local time, so -420 is GMT+7. The one place that sign is turned around."""

    minutes: int = 0

    @property
    def utc_offset_minutes(self) -> int:
        """Local time minus UTC, the sign ISO-8601, `datetime` and PostgreSQL use (420 for GMT+7)."""
        return -self.minutes

    @property
    def tzinfo(self) -> timezone:
        return timezone(timedelta(minutes=self.utc_offset_minutes))

    def midnight_utc(self, day: date) -> datetime:
        """The UTC instant the client's calendar `day` starts."""
        return datetime.combine(day, time.min, tzinfo=self.tzinfo).astimezone(timezone.utc)

    def day_range_utc(self, from_day: date | None, to_day: date | None) -> tuple[datetime | None, datetime | None]:
        """Half-open UTC range [start, end) covering both calendar days inclusive in the client's zone."""
        start = self.midnight_utc(from_day) if from_day else None
        end = self.midnight_utc(to_day + timedelta(days=1)) if to_day else None
        return start, end

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tzinfo).date()
