"""Where pre-aggregated counts live in time: UTC days, and the 15-minute quarters inside them.

Every real time-zone offset is a multiple of 15 minutes, so a client's calendar days start on a
quarter boundary. A period is summed from whole UTC days in its middle plus the quarters at its
two edges: at most 730 day rows and 2 x 96 quarter rows for two years, however many records.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

ORIGIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
QUARTER = "quarter"
HOUR = "hour"
DAY = "day"
WIDTHS = {QUARTER: timedelta(minutes=15), HOUR: timedelta(hours=1), DAY: timedelta(days=1)}

BucketRange = tuple[str, datetime | None, datetime | None]  # grain, start (incl.), end (excl.)


def bucket_of(moment: datetime, grain: str) -> datetime:
    """The bucket a moment falls in (PostgreSQL: date_bin(width, moment, ORIGIN))."""
    return moment - (moment - ORIGIN) % WIDTHS[grain]


def is_boundary(moment: datetime, grain: str = QUARTER) -> bool:
    return (moment - ORIGIN) % WIDTHS[grain] == timedelta(0)


def ceil_day(moment: datetime) -> datetime:
    floor = bucket_of(moment, DAY)
    return floor if floor == moment else floor + WIDTHS[DAY]


def bucket_ranges(start: datetime | None, end: datetime | None, fine: str = QUARTER) -> list[BucketRange]:
    """Non-overlapping bucket ranges covering exactly [start, end): whole UTC days, and buckets of
    the `fine` grain at the edges; both ends must be boundaries of the fine grain."""
    days_from = ceil_day(start) if start is not None else None
    days_to = bucket_of(end, DAY) if end is not None else None
    if days_from is not None and days_to is not None and days_from >= days_to:
        return [(fine, start, end)]
    ranges: list[BucketRange] = [(DAY, days_from, days_to)]
    if start is not None and days_from is not None and start < days_from:
        ranges.append((fine, start, days_from))
    if end is not None and days_to is not None and days_to < end:
        ranges.append((fine, days_to, end))
    return ranges


def phase_day_grain(phase: int) -> str:
    """UTC days run from midnight (grain `day`); `day@p` days from p:00 UTC, which is local midnight
    in a zone p hours west of Greenwich (or 24 - p east): GMT+7's days are `day@17`."""
    return DAY if phase == 0 else f"{DAY}@{phase}"


def phase_day_of(moment: datetime, phase: int) -> datetime:
    """The start of the `day@phase` day a moment falls in."""
    return moment - (moment - ORIGIN - timedelta(hours=phase)) % WIDTHS[DAY]


def phased_ranges(start: datetime, end: datetime) -> list[BucketRange]:
    """[start, end) from days that start at start's UTC hour, and the hours left at the end (a
    daylight saving change inside shifts the end by an hour). Both must be UTC hour boundaries."""
    whole_days = (end - start) // WIDTHS[DAY]
    days_end = start + whole_days * WIDTHS[DAY]
    ranges: list[BucketRange] = []
    if whole_days:
        ranges.append((phase_day_grain(start.hour), start, days_end))
    if days_end < end:
        ranges.append((HOUR, days_end, end))
    return ranges
