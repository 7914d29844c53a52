"""UTC clock and the contract's calendar-day arithmetic (JavaScript getTimezoneOffset sign)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a `Z`, or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def local_midnight_utc(day: date, timezone_offset_minutes: int) -> datetime:
    """UTC instant of local midnight of `day`. JavaScript's offset is UTC minus local (-420 = GMT+7)."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc) + timedelta(minutes=timezone_offset_minutes)


def day_range_utc(from_day: date | None, to_day: date | None,
                  timezone_offset_minutes: int = 0) -> tuple[datetime | None, datetime | None]:
    """Half-open UTC range [start, end) covering both calendar days inclusive in the client's zone."""
    start = local_midnight_utc(from_day, timezone_offset_minutes) if from_day else None
    end = local_midnight_utc(to_day + timedelta(days=1), timezone_offset_minutes) if to_day else None
    return start, end


def to_client_zone(moment: datetime | None, timezone_offset_minutes: int) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(timezone(timedelta(minutes=-timezone_offset_minutes)))
