"""KPIs, series (JSON and CSV), heatmap and leaderboard over calls, admins only. Each takes the
filters of getcalls (`?query=` or plain parameters) plus `organizationId`; see use_cases.call_reports."""
from __future__ import annotations

from flask import jsonify

from dropin_common.api import Blueprint
from dropin_common.timeutil import utcnow

from ..bootstrap import Container
from ..use_cases import call_reports
from .csv_download import csv_answer, csv_response
from .documenting import BAD_FILTER, admins_only, described
from .schemas import (DealerStandingAnswer, HeatmapAnswer, KpisAnswer, LeaderboardSchema, RecordFilterSchema,
                      SeriesAnswer, SeriesSchema, heatmap_json, kpis_json, page_from, report_request_from,
                      series_json, standing_json)

ZONE = """`from`/`to` are local calendar days (YYYY-MM-DD, both inclusive) of when calls were
requested: in the organization's IANA time zone (daylight saving time included) when `organizationId`
is given and the organization has one, else in the caller's zone given by `timezoneoffset` in minutes
with JavaScript's sign (-420 for GMT+7). The other filters are those of `GET /dashboard/getcalls`,
plus `organizationId` (exact). Figures come from events: a call is answered when a dealer accepted
it, whatever happened next, so a call accepted then expired counts as answered and as expired;
missed calls ended unanswered. Time to answer is whole seconds from request to accept; percentiles
are exact (PostgreSQL's percentile_cont)."""


def add_figures(bp: Blueprint, container: Container) -> None:
    reports = container.call_reports

    @bp.get("/kpis")
    @admins_only(bp)
    @bp.filters(RecordFilterSchema)
    @bp.response(200, KpisAnswer)
    @bp.errors({400: BAD_FILTER})
    @described(f"Answer figures of the calls matching the filters.\n\nAdmins only. {ZONE}")
    def kpis(params):
        _zone, figures = call_reports.kpis(reports, report_request_from(params))
        return kpis_json(figures)

    def _series(params):
        zone, rows = call_reports.series(reports, report_request_from(params), params["interval"], utcnow())
        return zone, rows

    @bp.get("/series")
    @admins_only(bp)
    @bp.filters(SeriesSchema)
    @bp.response(200, SeriesAnswer)
    @bp.errors({400: BAD_FILTER})
    @described(f"""The KPIs per day, week or month.

Admins only. {ZONE} Buckets follow the calendar (weeks start on Monday, months on the 1st), clipped
to `from`/`to`; every bucket is present, empty ones too, oldest first. Without `to`: today in the
zone; without `from`: 30 days, 12 weeks or 12 months before `to`. At most 1000 buckets.""")
    def series(params):
        zone, rows = _series(params)
        # Sent as built: series_json's dict is SeriesAnswer's shape already (a test checks it equals
        # the schema's dump); dumping a year of days through marshmallow again took longer than
        # reading them.
        return jsonify(series_json(params["interval"], zone, rows))

    @bp.get("/exportcsvkpis")
    @admins_only(bp)
    @bp.filters(SeriesSchema)
    @csv_answer(bp, "kpis")
    @bp.errors({400: BAD_FILTER})
    @described("""Download the series as CSV, one row per bucket.

Admins only. The parameters of `GET /dashboard/series`. Columns: start, calls, answered, missed,
expired, answerRate, timeToAnswerP50, timeToAnswerP90, timeToAnswerMax, averageDurationSeconds,
leads, leadRate. Streamed as a `text/csv` attachment named `kpis-<client's today>.csv`; a cell a
spreadsheet would run as a formula gets a leading apostrophe.""")
    def export_series(params):
        _zone, rows = _series(params)
        return csv_response("kpis", call_reports.series_csv(rows), params["timezone_offset"])

    @bp.get("/heatmap")
    @admins_only(bp)
    @bp.filters(RecordFilterSchema)
    @bp.response(200, HeatmapAnswer)
    @bp.errors({400: BAD_FILTER})
    @described(f"""Calls and missed calls per weekday and hour of day.

Admins only. {ZONE} Weekdays and hours are local to the same zone.""")
    def heatmap(params):
        zone, cells = call_reports.heatmap(reports, report_request_from(params))
        return heatmap_json(zone, cells)

    @bp.get("/leaderboard")
    @admins_only(bp)
    @bp.filters(LeaderboardSchema)
    @bp.response(200, DealerStandingAnswer(many=True))
    @bp.errors({400: BAD_FILTER})
    @described(f"""Dealers by calls answered.

Admins only. {ZONE} Per dealer who answered a matching call: `answered`,
`medianTimeToAnswerSeconds`, `averageDurationSeconds`, `leads` (left on the calls they answered);
most answered first, then the quicker median, a page at a time (`skip`, `limit` up to 100).""")
    def leaderboard(params):
        rows = call_reports.leaderboard(reports, report_request_from(params), page_from(params))
        return [standing_json(row) for row in rows]

