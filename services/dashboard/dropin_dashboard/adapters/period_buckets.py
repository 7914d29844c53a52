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


# ------------------------------------------------------------------ calendar grains, signed sums
MONTH = "month"
YEAR = "year"
CALENDAR_GRAINS = (DAY, MONTH, YEAR)

BucketWeights = dict[tuple[str, datetime], int]  # (grain, bucket start) -> how many times it counts
SignedRange = tuple[int, datetime, datetime]  # sign, start (incl.), end (excl.): rows read as they are


def month_of(moment: datetime) -> datetime:
    """The UTC calendar month a moment falls in (PostgreSQL: date_trunc('month', moment, 'UTC'))."""
    return datetime(moment.year, moment.month, 1, tzinfo=timezone.utc)


def year_of(moment: datetime) -> datetime:
    return datetime(moment.year, 1, 1, tzinfo=timezone.utc)


def calendar_buckets(moment: datetime) -> list[tuple[str, datetime]]:
    """The day, month and year a moment is counted in."""
    return [(DAY, bucket_of(moment, DAY)), (MONTH, month_of(moment)), (YEAR, year_of(moment))]


def _next(grain: str, bucket: datetime) -> datetime:
    if grain == DAY:
        return bucket + WIDTHS[DAY]
    if grain == MONTH:
        return datetime(bucket.year + bucket.month // 12, bucket.month % 12 + 1, 1, tzinfo=timezone.utc)
    return datetime(bucket.year + 1, 1, 1, tzinfo=timezone.utc)


def _nearest(moment: datetime, grain: str) -> datetime:
    """The bucket boundary of `grain` nearest to `moment` (the earlier one on a tie)."""
    floor = {DAY: lambda m: bucket_of(m, DAY), MONTH: month_of, YEAR: year_of}[grain](moment)
    if floor == moment:
        return floor
    ceiling = _next(grain, floor)
    return floor if moment - floor <= ceiling - moment else ceiling


def _add_span(weights: BucketWeights, grain: str, start: datetime, end: datetime, sign: int) -> None:
    """Counts every `grain` bucket of [start, end) (or, start > end, of [end, start) negatively)."""
    if start > end:
        start, end, sign = end, start, -sign
    bucket = start
    while bucket < end:
        weights[(grain, bucket)] = weights.get((grain, bucket), 0) + sign
        bucket = _next(grain, bucket)


def _path(moment: datetime, sign: int, weights: BucketWeights, edges: list[SignedRange]) -> datetime:
    """Adds sign x the records of [Y, moment) for the year boundary Y nearest to the moment's
    nearest month boundary, walking moment -> nearest day -> nearest month -> Y: at most half a day
    of rows, half a month of days and half a year of months. Returns Y."""
    day = _nearest(moment, DAY)
    month = _nearest(day, MONTH)
    year = _nearest(month, YEAR)
    if day < moment:
        edges.append((sign, day, moment))
    elif moment < day:
        edges.append((-sign, moment, day))
    _add_span(weights, DAY, month, day, sign)
    _add_span(weights, MONTH, year, month, sign)
    return year


BucketSpan = tuple[str, datetime | None, datetime | None, int]  # grain, first bucket, end (excl.), weight


def signed_calendar_buckets(start: datetime | None, end: datetime | None,
                            short: timedelta = timedelta(days=1)) -> tuple[list[BucketSpan], list[SignedRange]]:
    """How to sum a period [start, end) from day, month and year buckets and rows at its edges.

    Counts add and subtract, so [start, end) = [Y_end, end) - [Y_start, start) + the years between:
    each edge walks to its nearest day, month and year boundary, forwards or backwards. A local
    month or year in any zone is then its UTC month or year plus or minus a few hours of rows. An
    open end takes every year on that side (a span with an open bound). Weights that cancel are
    dropped; a period of at most `short` is read from its rows alone. Any edge will do, not only
    UTC hours. Returns (grain, bucket, next bucket, weight) spans and (sign, start, end) row ranges."""
    if start is not None and end is not None and end - start <= short:
        return [], ([(1, start, end)] if start < end else [])
    weights: BucketWeights = {}
    edges: list[SignedRange] = []
    lower = _path(start, -1, weights, edges) if start is not None else None
    upper = _path(end, 1, weights, edges) if end is not None else None
    spans: list[BucketSpan] = []
    if lower is None or upper is None:
        spans.append((YEAR, lower, upper, 1))
    else:
        _add_span(weights, YEAR, lower, upper, 1)
    spans += [(grain, bucket, _next(grain, bucket), weight)
              for (grain, bucket), weight in sorted(weights.items()) if weight]
    return spans, edges
