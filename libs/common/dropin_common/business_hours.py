"""An organization's business hours: the value auth validates and stores, carried by
`organization.*` events, and read by streams to decide whether a request may ring.

Wire form (in the organization's IANA `timezone`):
    businessHours: {"mon": [["09:00", "18:00"]], "fri": [["09:00", "12:00"], ["13:00", "22:00"]],
                    "sat": [["22:00", "02:00"]], ...}
    holidays:      ["2026-12-25", ...]
- An absent or empty `businessHours` means always open (holidays still close their day).
- A day without a key, or with an empty list, is closed (when no day has any interval, the
  schedule is empty: always open).
- An interval is [start, end) in local wall-clock time; "24:00" may end a day. An end earlier than
  its start runs across midnight into the next day (["22:00", "02:00"]).
- An interval belongs to the day it starts on: a holiday cancels the intervals starting that day
  (a night shift begun the evening before still runs into it).
Both services use this one module so that the producer and the consumers of the events agree on
what the value means. Pure: no I/O, no framework.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
MAX_INTERVALS_PER_DAY = 12
MAX_HOLIDAYS = 400
DEFAULT_TIMEZONE = "UTC"
_CLOCK = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])$")
# How far ahead the next opening is looked for: a week of hours plus every holiday one could list.
_SEARCH_DAYS = 7 + MAX_HOLIDAYS + 1


class InvalidBusinessHours(ValueError):
    """Bad input; `field` names the wire field (`businessHours`, `holidays` or `timezone`)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, order=True)
class Interval:
    """Minutes after local midnight of the day it starts; `end` <= `start` crosses midnight."""
    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def length(self) -> int:
        return self.end - self.start + (MINUTES_PER_DAY if self.crosses_midnight else 0)

    def wire(self) -> list[str]:
        return [_clock_text(self.start), _clock_text(self.end)]


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_clock(value: Any, where: str, *, is_end: bool) -> int:
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidBusinessHours("businessHours", f"{where}: {value!r} is not a time as HH:MM.")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > MINUTES_PER_DAY or (minutes == MINUTES_PER_DAY and not is_end):
        raise InvalidBusinessHours("businessHours", f"{where}: {value!r} is not a time of day "
                                                    "(24:00 may only end an interval).")
    return minutes


def parse_weekly(value: Any) -> dict[int, tuple[Interval, ...]]:
    """The wire `businessHours` -> {weekday: intervals sorted by start}. Raises InvalidBusinessHours
    for unknown days, bad times, empty intervals and intervals that overlap (across midnight and
    from Sunday into Monday included)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidBusinessHours("businessHours", "Must be an object of days (mon..sun) to intervals.")
    weekly: dict[int, tuple[Interval, ...]] = {}
    for day, intervals in value.items():
        if day not in DAYS:
            raise InvalidBusinessHours("businessHours", f"Unknown day {day!r}: use {', '.join(DAYS)}.")
        if not isinstance(intervals, list) or len(intervals) > MAX_INTERVALS_PER_DAY:
            raise InvalidBusinessHours("businessHours", f"{day}: must be a list of at most "
                                                        f"{MAX_INTERVALS_PER_DAY} [start, end] pairs.")
        parsed = []
        for index, pair in enumerate(intervals):
            where = f"{day}[{index}]"
            if not isinstance(pair, list) or len(pair) != 2:
                raise InvalidBusinessHours("businessHours", f"{where}: must be a [start, end] pair.")
            start = _parse_clock(pair[0], where, is_end=False)
            end = _parse_clock(pair[1], where, is_end=True)
            if start == end:
                raise InvalidBusinessHours("businessHours", f"{where}: start and end are equal; "
                                                            "use 00:00-24:00 for the whole day.")
            parsed.append(Interval(start, end))
        if parsed:
            weekly[DAYS.index(day)] = tuple(sorted(parsed))
    _refuse_overlaps(weekly)
    return weekly


def _refuse_overlaps(weekly: Mapping[int, tuple[Interval, ...]]) -> None:
    # Lay every interval on one week of minutes; one crossing Sunday midnight wraps to Monday.
    spans = []
    for weekday, intervals in weekly.items():
        for interval in intervals:
            begin = weekday * MINUTES_PER_DAY + interval.start
            spans.append((begin, begin + interval.length, weekday, interval))
    spans.sort()
    for (_b, finish, day, interval), (next_begin, _f, next_day, next_interval) in pairwise(spans):
        if next_begin < finish:
            raise InvalidBusinessHours("businessHours", _overlap(day, interval, next_day, next_interval))
    if spans:
        _b, last_finish, day, interval = spans[-1]
        first_begin, _f, first_day, first_interval = spans[0]
        if last_finish > MINUTES_PER_WEEK and last_finish - MINUTES_PER_WEEK > first_begin:
            raise InvalidBusinessHours("businessHours", _overlap(day, interval, first_day, first_interval))


def _overlap(day: int, interval: Interval, other_day: int, other: Interval) -> str:
    return (f"{DAYS[day]} {'-'.join(interval.wire())} overlaps "
            f"{DAYS[other_day]} {'-'.join(other.wire())}.")


def weekly_wire(weekly: Mapping[int, tuple[Interval, ...]]) -> dict[str, list[list[str]]]:
    """The canonical wire form: days in week order, intervals sorted, "HH:MM" strings."""
    return {DAYS[day]: [interval.wire() for interval in weekly[day]] for day in sorted(weekly)}


def parse_holidays(value: Any) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or len(value) > MAX_HOLIDAYS:
        raise InvalidBusinessHours("holidays", f"Must be a list of at most {MAX_HOLIDAYS} dates (YYYY-MM-DD).")
    days = set()
    for index, text in enumerate(value):
        try:
            if not isinstance(text, str) or len(text) != 10:
                raise ValueError
            days.add(date.fromisoformat(text))
        except ValueError:
            raise InvalidBusinessHours("holidays", f"holidays[{index}]: {text!r} is not a date "
                                                   "(YYYY-MM-DD).") from None
    return frozenset(days)


def holidays_wire(holidays: Iterable[date]) -> list[str]:
    return [day.isoformat() for day in sorted(holidays)]


def parse_timezone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise InvalidBusinessHours("timezone", "Must be an IANA time zone name such as America/Denver.")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidBusinessHours("timezone", f"{value!r} is not an IANA time zone name "
                                               "(such as America/Denver).") from None


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    weekly: Mapping[int, tuple[Interval, ...]]
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_wire(cls, timezone_name: str | None, business_hours: Any, holidays: Any) -> BusinessHours:
        return cls(parse_timezone(timezone_name or DEFAULT_TIMEZONE), parse_weekly(business_hours),
                   parse_holidays(holidays))

    @property
    def always_open(self) -> bool:
        return not self.weekly and not self.holidays

    def is_open(self, at: datetime) -> bool:
        """Whether `at` (an aware instant) falls in an interval, judged on the local wall clock."""
        if self.always_open:
            return True
        local = at.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        today, yesterday = local.date(), local.date() - timedelta(days=1)
        if not self.weekly:
            return today not in self.holidays  # always open, except on holidays
        for interval in self._intervals_of(today):
            if interval.start <= minute < (MINUTES_PER_DAY if interval.crosses_midnight else interval.end):
                return True
        for interval in self._intervals_of(yesterday):
            if interval.crosses_midnight and minute < interval.end:
                return True
        return False

    def next_open(self, at: datetime) -> datetime | None:
        """The first opening strictly after `at`, as an aware datetime in the organization's zone
        (None if open hours never come again: every day closed, or every listed day a holiday)."""
        if not self.weekly:
            if not self.holidays:
                return None
            day = at.astimezone(self.zone).date()
            for _ in range(_SEARCH_DAYS):
                day += timedelta(days=1)
                if day not in self.holidays:
                    return _local_instant(day, 0, self.zone)
            return None
        first_day = at.astimezone(self.zone).date()
        for offset in range(_SEARCH_DAYS):
            day = first_day + timedelta(days=offset)
            for interval in self._intervals_of(day):
                opens = _local_instant(day, interval.start, self.zone)
                if opens > at:
                    return opens
        return None

    def _intervals_of(self, day: date) -> tuple[Interval, ...]:
        if day in self.holidays:
            return ()
        return self.weekly.get(day.weekday(), ())


def _local_instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant the local wall clock shows `minutes` after midnight of `day`. A time skipped by a
    DST change (02:30 on a spring-forward night) is read with the offset before the change, which
    lands on the same instant the clocks jump past; the answer is normalised to the real offset."""
    naive = datetime.combine(day, time(minutes // 60, minutes % 60))
    return naive.replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone)
