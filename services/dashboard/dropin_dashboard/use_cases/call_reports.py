"""What managers judge a desk by: KPIs, the same per day/week/month, calls by weekday and hour, and
who answers. Periods and buckets are local days in the organization's IANA zone when it is known
and one organization is asked for (daylight saving time included), else in the caller's offset."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from dropin_common.kernel import InvalidInput

from ..domain.filters import Page, Period, RecordFilter
from ..domain.kpis import DealerStanding, Heatmap, Kpis, SeriesBucket
from ..domain.zones import MAX_BUCKETS, Zone, bucket_count, buckets, default_first_day
from ..ports import CallReports


@dataclass(frozen=True)
class ReportRequest:
    """The filters of getcalls (`criteria`, whose own period is ignored) and local days."""
    criteria: RecordFilter
    first_day: date | None = None
    last_day: date | None = None
    timezone_offset: int = 0


def zone_for(reports: CallReports, request: ReportRequest) -> Zone:
    organization_id = request.criteria.organization_id
    name = reports.organization_timezone(organization_id) if organization_id else None
    return Zone(offset_minutes=request.timezone_offset, name=name)


def _period(zone: Zone, first: date | None, last: date | None) -> Period:
    return Period(zone.midnight_utc(first) if first else None,
                  zone.midnight_utc(last + timedelta(days=1)) if last else None)


def _within(request: ReportRequest, zone: Zone) -> RecordFilter:
    return replace(request.criteria, period=_period(zone, request.first_day, request.last_day))


def kpis(reports: CallReports, request: ReportRequest) -> tuple[Zone, Kpis]:
    zone = zone_for(reports, request)
    criteria = _within(request, zone)
    return zone, reports.figures(criteria, [criteria.period])[0].kpis()


def series(reports: CallReports, request: ReportRequest, interval: str,
           now: datetime) -> tuple[Zone, list[SeriesBucket]]:
    """Every bucket from `from` to `to` (default: today in the zone, and 30 days / 12 weeks / 12
    months before it), empty ones included, in order."""
    zone = zone_for(reports, request)
    last = request.last_day or zone.today(now)
    first = request.first_day or default_first_day(last, interval)
    if first > last:
        raise InvalidInput("Must not be after `to`.", code="invalid_field", field="from")
    if bucket_count(first, last, interval) > MAX_BUCKETS:
        raise InvalidInput(f"At most {MAX_BUCKETS} buckets: narrow `from`/`to` or use a longer interval.",
                           code="invalid_field", field="from")
    wanted = buckets(first, last, interval, zone)
    figures = reports.figures(request.criteria, [Period(bucket.start, bucket.end) for bucket in wanted])
    return zone, [SeriesBucket(bucket.label.isoformat(), figure.kpis())
                  for bucket, figure in zip(wanted, figures, strict=True)]


def heatmap(reports: CallReports, request: ReportRequest) -> tuple[Zone, Heatmap]:
    zone = zone_for(reports, request)
    return zone, reports.heatmap(_within(request, zone), zone)


def leaderboard(reports: CallReports, request: ReportRequest, page: Page) -> list[DealerStanding]:
    return reports.leaderboard(_within(request, zone_for(reports, request)), page)


SERIES_CSV_HEADER = ("start", "calls", "answered", "missed", "expired", "answerRate", "timeToAnswerP50",
                     "timeToAnswerP90", "timeToAnswerMax", "averageDurationSeconds", "leads", "leadRate")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (as the other exports)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_TRIGGERS) else text


def series_csv(rows: list[SeriesBucket]) -> Iterator[bytes]:
    """One row per bucket, streamed a row at a time."""
    def line(cells: Iterable[object]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow([_cell(cell) for cell in cells])
        return buffer.getvalue().encode()

    yield line(SERIES_CSV_HEADER)
    for row in rows:
        k = row.kpis
        yield line((row.start, k.calls, k.answered, k.missed, k.expired, k.answer_rate, k.time_to_answer_p50,
                    k.time_to_answer_p90, k.time_to_answer_max, k.average_duration_seconds, k.leads, k.lead_rate))
