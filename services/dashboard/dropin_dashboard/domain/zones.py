"""Calendar buckets in the zone a report is read in: the caller's fixed offset, or an organization's
IANA time zone, whose offset changes with daylight saving time (so a DST day is 23 or 25 hours)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dropin_common.timeutil import ClientTimezoneOffset

INTERVALS = ("day", "week", "month")
MAX_BUCKETS = 1000


def is_time_zone_name(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@dataclass(frozen=True)
class Zone:
    """`name` (IANA) when known, else the caller's JavaScript offset in minutes (-420 = GMT+7)."""
    offset_minutes: int = 0
    name: str | None = None

    @property
    def client_offset(self) -> ClientTimezoneOffset:
        return ClientTimezoneOffset(self.offset_minutes)

    @property
    def tzinfo(self) -> tzinfo:
        if self.name:
            return ZoneInfo(self.name)
        return self.client_offset.tzinfo

    def midnight_utc(self, day: date) -> datetime:
        """The instant the local `day` starts, in UTC."""
        return datetime.combine(day, time(), tzinfo=self.tzinfo).astimezone(timezone.utc)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tzinfo)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def whole_hour_offsets(self, moments: list[datetime]) -> bool:
        """Whether the zone's offset is whole hours at each of these instants (true of almost every
        zone; not of India's +5:30 or Nepal's +5:45), so local hours are UTC hours."""
        return all((self.local(moment).utcoffset() or timedelta(0)) % timedelta(hours=1) == timedelta(0)
                   for moment in moments)


@dataclass(frozen=True)
class Bucket:
    label: date      # the calendar bucket's first day (a Monday for weeks, the 1st for months)
    start: datetime  # UTC, inclusive (clipped to the period's first day)
    end: datetime    # UTC, exclusive (clipped to the day after the period's last day)


def calendar_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def next_start(day: date, interval: str) -> date:
    if interval == "week":
        return day + timedelta(days=7)
    if interval == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + timedelta(days=1)


def bucket_count(first: date, last: date, interval: str) -> int:
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    span = (calendar_start(last, interval) - calendar_start(first, interval)).days
    return span // (7 if interval == "week" else 1) + 1


def buckets(first: date, last: date, interval: str, zone: Zone) -> list[Bucket]:
    """Every bucket from the one holding `first` to the one holding `last`, in order, each clipped
    to [first, last] (both inclusive, local days)."""
    result = []
    label = calendar_start(first, interval)
    while label <= last:
        following = next_start(label, interval)
        start_day, end_day = max(label, first), min(following, last + timedelta(days=1))
        result.append(Bucket(label, zone.midnight_utc(start_day), zone.midnight_utc(end_day)))
        label = following
    return result


def default_first_day(last: date, interval: str) -> date:
    """Without `from`: 30 days, 12 weeks or 12 months up to `last`."""
    if interval == "day":
        return last - timedelta(days=29)
    if interval == "week":
        return calendar_start(last, "week") - timedelta(weeks=11)
    month = last.month - 11
    return date(last.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
