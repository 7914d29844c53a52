"""KPIs, series (JSON and CSV), heatmap and leaderboard over calls, admins only. Each takes the
filters of getcalls (`?query=` or plain parameters) plus `organizationId`; see use_cases.call_reports."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import authenticated
from dropin_common.query import parse_filters
from dropin_common.timeutil import utcnow

from ..bootstrap import Container
from ..use_cases import call_reports
from .csv_download import csv_response
from .schemas import (LeaderboardSchema, RecordFilterSchema, SeriesSchema, heatmap_json, kpis_json, page_from,
                      report_request_from, series_json, standing_json)

_ZONE = """`from`/`to` are local calendar days (YYYY-MM-DD, both inclusive) of when calls were
            requested: in the organization's IANA time zone (daylight saving time included) when
            `organizationId` is given and the organization has one, else in the caller's zone given
            by `timezoneoffset` in minutes with JavaScript's sign (-420 for GMT+7). The other filters
            are those of `GET /dashboard/getcalls`, plus `organizationId` (exact). Figures come from
            events: a call is answered when a dealer accepted it, whatever happened next, so a call
            accepted then expired counts as answered and as expired; missed calls ended unanswered.
            Time to answer is whole seconds from request to accept; percentiles are exact
            (PostgreSQL's percentile_cont)."""
_ERRORS = """
            400: A bad filter; the error's `field` names it.
            401: No valid JWT.
            403: Admins only (a dealer's token is refused)."""
_KPIS = ("`calls`, `answered`, `missed`, `expired`, `answerRate` (answered / calls, 4 decimals), "
         "`timeToAnswer` {`p50`, `p90`, `max`} in seconds (null without answered calls), "
         "`averageDurationSeconds` (null without durations), `leads`, `leadRate` (calls with a lead / calls)")


def figures_blueprint(container: Container) -> Blueprint:
    bp = Blueprint("figures", __name__, url_prefix="/dashboard")
    reports = container.call_reports

    @bp.get("/kpis")
    @authenticated(ROLE_ADMIN)
    def kpis():
        params = parse_filters(RecordFilterSchema(), request.args)
        _zone, figures = call_reports.kpis(reports, report_request_from(params))
        return kpis_json(figures)

    def _series(schema=SeriesSchema):
        params = parse_filters(schema(), request.args)
        zone, rows = call_reports.series(reports, report_request_from(params), params["interval"], utcnow())
        return params, zone, rows

    @bp.get("/series")
    @authenticated(ROLE_ADMIN)
    def series():
        params, zone, rows = _series()
        return series_json(params["interval"], zone, rows)

    @bp.get("/exportcsvkpis")
    @authenticated(ROLE_ADMIN)
    def export_series():
        params, _zone, rows = _series()
        return csv_response("kpis", call_reports.series_csv(rows), params["timezone_offset"])

    @bp.get("/heatmap")
    @authenticated(ROLE_ADMIN)
    def heatmap():
        params = parse_filters(RecordFilterSchema(), request.args)
        zone, cells = call_reports.heatmap(reports, report_request_from(params))
        return heatmap_json(zone, cells)

    @bp.get("/leaderboard")
    @authenticated(ROLE_ADMIN)
    def leaderboard():
        params = parse_filters(LeaderboardSchema(), request.args)
        rows = call_reports.leaderboard(reports, report_request_from(params), page_from(params))
        return jsonify([standing_json(row) for row in rows])

    kpis.__doc__ = f"""---
        get:
          tags: [dashboard]
          summary: Answer figures of the calls matching the filters
          description: >
            Admins only. {_ZONE}
          security: [{{apikey: [], jwt: []}}]
          parameters: [{{in: query, schema: RecordFilterSchema}}]
          responses:
            200: {{description: "A JSON object: {_KPIS}."}}""" + _ERRORS
    series.__doc__ = f"""---
        get:
          tags: [dashboard]
          summary: The KPIs per day, week or month
          description: >
            Admins only. {_ZONE} Buckets follow the calendar (weeks start on Monday, months on the
            1st), clipped to `from`/`to`; every bucket is present, empty ones too, oldest first.
            Without `to`: today in the zone; without `from`: 30 days, 12 weeks or 12 months before
            `to`. At most 1000 buckets.
          security: [{{apikey: [], jwt: []}}]
          parameters: [{{in: query, schema: SeriesSchema}}]
          responses:
            200:
              description: >
                `{{"interval", "timezone" (IANA name used, or null), "timezoneOffset",
                "buckets": [{{"start": "YYYY-MM-DD", ...the KPIs of GET /dashboard/kpis}}]}}`.""" + _ERRORS
    export_series.__doc__ = f"""---
        get:
          tags: [dashboard]
          summary: Download the series as CSV, one row per bucket
          description: >
            Admins only. The parameters of `GET /dashboard/series`. Columns: start, calls, answered,
            missed, expired, answerRate, timeToAnswerP50, timeToAnswerP90, timeToAnswerMax,
            averageDurationSeconds, leads, leadRate. Streamed as a `text/csv` attachment named
            `kpis-<client's today>.csv`; a cell a spreadsheet would run as a formula gets a leading
            apostrophe.
          security: [{{apikey: [], jwt: []}}]
          parameters: [{{in: query, schema: SeriesSchema}}]
          responses:
            200:
              description: A CSV file with a header row.
              headers:
                Content-Disposition:
                  description: '`attachment; filename="kpis-YYYY-MM-DD.csv"`'
                  schema: {{type: string}}
              content: {{text/csv: {{schema: {{type: string}}}}}}""" + _ERRORS
    heatmap.__doc__ = f"""---
        get:
          tags: [dashboard]
          summary: Calls and missed calls per weekday and hour of day
          description: >
            Admins only. {_ZONE} Weekdays and hours are local to the same zone.
          security: [{{apikey: [], jwt: []}}]
          parameters: [{{in: query, schema: RecordFilterSchema}}]
          responses:
            200:
              description: >
                `{{"timezone", "timezoneOffset", "weekdays": ["Mon", ..., "Sun"], "calls": [7 rows of
                24 counts], "missed": [7 rows of 24 counts]}}`: row 0 is Monday, column h is h:00-h:59.""" + _ERRORS
    leaderboard.__doc__ = f"""---
        get:
          tags: [dashboard]
          summary: Dealers by calls answered
          description: >
            Admins only. {_ZONE} Per dealer who answered a matching call: `answered`,
            `medianTimeToAnswerSeconds`, `averageDurationSeconds`, `leads` (left on the calls they
            answered); most answered first, then the quicker median, a page at a time (`skip`,
            `limit` up to 100).
          security: [{{apikey: [], jwt: []}}]
          parameters: [{{in: query, schema: LeaderboardSchema}}]
          responses:
            200:
              description: >
                A JSON array of `{{"dealerId", "dealerName", "answered", "medianTimeToAnswerSeconds",
                "averageDurationSeconds", "leads"}}`.""" + _ERRORS
    return bp
