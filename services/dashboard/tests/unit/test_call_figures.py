"""The calculations behind KPIs, series and heatmaps: exact percentiles, rates, calendar buckets
in a zone (across daylight saving time), every bucket present, in order."""
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from dropin_common.errors import BadRequest
from dropin_dashboard.domain.filters import Page, Period, RecordFilter
from dropin_dashboard.domain.kpis import CallFigures, Heatmap, percentile_cont
from tests.payloads import stream_payload, stream_record
from dropin_dashboard.domain.zones import Zone, bucket_count, buckets, default_first_day
from dropin_dashboard.ports import CallReports
from dropin_dashboard.use_cases import call_reports
from dropin_dashboard.use_cases.call_reports import ReportRequest, series_csv

UTC = timezone.utc


def sorted_percentile(values: list[float], fraction: float) -> float:
    """percentile_cont as PostgreSQL defines it, on a plain sorted list (the reference)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@pytest.mark.parametrize("values", [[7], [1, 2, 3, 4], [5, 5, 5, 9], [0, 3, 3, 8, 12, 30, 31, 59], list(range(100))])
@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.9, 1.0])
def test_histogram_percentile_equals_percentile_cont_of_the_values(values, fraction):
    assert percentile_cont(Counter(values), fraction) == pytest.approx(sorted_percentile(values, fraction))


def test_percentile_interpolates_between_neighbours_and_is_none_without_values():
    assert percentile_cont({1: 1, 2: 1, 3: 1, 4: 1}, 0.5) == 2.5
    assert percentile_cont({1: 1, 2: 1, 3: 1, 4: 1}, 0.9) == pytest.approx(3.7)
    assert percentile_cont({}, 0.5) is None
    assert percentile_cont({4: 0}, 0.5) is None  # a bucket emptied by a moved call counts nothing


def test_kpis_rates_have_four_decimals_and_averages_skip_calls_without_duration():
    figures = CallFigures(calls=3, answered=2, missed=1, expired=1, duration_total=100, durations=2, leads=2,
                          calls_with_lead=1, answer_times=Counter({10: 1, 31: 1}))
    kpis = figures.kpis()
    assert (kpis.answer_rate, kpis.lead_rate) == (0.6667, 0.3333)
    assert (kpis.time_to_answer_p50, kpis.time_to_answer_p90, kpis.time_to_answer_max) == (
        20.5, pytest.approx(28.9), 31)
    assert kpis.average_duration_seconds == 50.0


def test_empty_figures_have_zero_rates_and_no_percentiles():
    kpis = CallFigures().kpis()
    assert (kpis.calls, kpis.answer_rate, kpis.lead_rate) == (0, 0.0, 0.0)
    assert (kpis.time_to_answer_p50, kpis.time_to_answer_max, kpis.average_duration_seconds) == (None, None, None)


def test_figures_of_disjoint_calls_add_up_histograms_included():
    total = CallFigures(calls=1, answered=1, answer_times=Counter({5: 1})).add(
        CallFigures(calls=2, answered=1, missed=1, answer_times=Counter({5: 1, 9: 1})))
    assert (total.calls, total.answered, total.missed) == (3, 2, 1)
    assert total.answer_times == Counter({5: 2, 9: 1})


def test_time_to_answer_is_whole_seconds_from_request_to_accept():
    requested = datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC)
    snapshot = stream_record(stream_payload("s", version=2, status="streaming", requested_at="2026-03-01T10:00:00Z",
                                            accepted_at="2026-03-01T10:00:12.900Z"))
    assert snapshot.requested_at == requested and snapshot.time_to_answer_seconds == 12
    unanswered = stream_record(stream_payload("s", requested_at="2026-03-01T10:00:00Z"))
    assert unanswered.time_to_answer_seconds is None


def test_day_buckets_across_dst_are_23_and_25_hours_in_the_organizations_zone():
    paris = Zone(name="Europe/Paris")
    spring = buckets(date(2026, 3, 28), date(2026, 3, 30), "day", paris)
    assert [b.end - b.start for b in spring] == [timedelta(hours=24), timedelta(hours=23), timedelta(hours=24)]
    assert spring[0].start == datetime(2026, 3, 27, 23, tzinfo=UTC)  # CET midnight
    assert spring[2].start == datetime(2026, 3, 29, 22, tzinfo=UTC)  # CEST midnight
    autumn = buckets(date(2026, 10, 25), date(2026, 10, 25), "day", paris)
    assert autumn[0].end - autumn[0].start == timedelta(hours=25)


def test_a_fixed_offset_keeps_every_day_24_hours():
    days = buckets(date(2026, 3, 28), date(2026, 3, 30), "day", Zone(offset_minutes=-60))
    assert {b.end - b.start for b in days} == {timedelta(hours=24)}
    assert days[0].start == datetime(2026, 3, 27, 23, tzinfo=UTC)


def test_week_and_month_buckets_follow_the_calendar_clipped_to_the_period():
    weeks = buckets(date(2026, 3, 4), date(2026, 3, 17), "week", Zone())
    assert [b.label for b in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert weeks[0].start == datetime(2026, 3, 4, tzinfo=UTC) and weeks[-1].end == datetime(2026, 3, 18, tzinfo=UTC)
    months = buckets(date(2025, 11, 15), date(2026, 2, 3), "month", Zone(offset_minutes=-420))
    assert [b.label for b in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert months[1].start == datetime(2025, 11, 30, 17, tzinfo=UTC)  # GMT+7 midnight of Dec 1
    assert all(a.end == b.start for a, b in zip(months, months[1:], strict=False))


def test_bucket_counts_and_default_windows():
    assert bucket_count(date(2026, 1, 1), date(2026, 12, 31), "day") == 365
    assert bucket_count(date(2025, 12, 31), date(2026, 1, 1), "month") == 2
    # Sunday 1st (week of Feb 23), Mon 2nd - Sun 8th, Monday 9th
    assert bucket_count(date(2026, 3, 1), date(2026, 3, 9), "week") == 3
    for first, last, interval in ((date(2026, 3, 1), date(2026, 3, 9), "week"),
                                  (date(2025, 1, 31), date(2026, 3, 1), "month"),
                                  (date(2026, 2, 27), date(2026, 3, 2), "day")):
        assert bucket_count(first, last, interval) == len(buckets(first, last, interval, Zone()))
    assert default_first_day(date(2026, 3, 30), "day") == date(2026, 3, 1)
    assert default_first_day(date(2026, 3, 30), "month") == date(2025, 4, 1)
    assert default_first_day(date(2026, 3, 30), "week") == date(2026, 1, 12)  # 12 Mondays to Mon 30th


def test_zone_checks_whole_hour_offsets():
    moments = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)]
    assert Zone(name="America/New_York").whole_hour_offsets(moments)
    assert not Zone(name="Asia/Kolkata").whole_hour_offsets(moments)


class FakeCallReports(CallReports):
    """Calls as (requestedAt, answer seconds or None), figures counted the plain way."""

    def __init__(self, calls, zones=None):
        self.calls, self.zones, self.asked = calls, zones or {}, []

    def organization_timezone(self, organization_id):
        return self.zones.get(organization_id)

    def figures(self, criteria, periods):
        self.asked.append(periods)
        result = []
        for period in periods:
            figures = CallFigures()
            for moment, seconds in self.calls:
                if period.start <= moment < period.end:
                    figures.add(CallFigures(calls=1, answered=int(seconds is not None),
                                            answer_times=Counter([seconds] if seconds is not None else [])))
            result.append(figures)
        return result

    def heatmap(self, criteria, zone):
        return Heatmap.empty()

    def leaderboard(self, criteria, page):
        return []


NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)


def test_series_has_every_bucket_in_order_with_empty_ones():
    reports = FakeCallReports([(datetime(2026, 3, 2, 9, tzinfo=UTC), 10), (datetime(2026, 3, 4, 9, tzinfo=UTC), None)])
    request = ReportRequest(RecordFilter(), date(2026, 3, 1), date(2026, 3, 5))
    zone, rows = call_reports.series(reports, request, "day", NOW)
    assert [row.start for row in rows] == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert [row.kpis.calls for row in rows] == [0, 1, 0, 1, 0]
    assert rows[1].kpis.time_to_answer_p50 == 10.0 and rows[0].kpis.time_to_answer_p50 is None
    assert zone == Zone(0, None)


def test_series_uses_the_organizations_zone_when_known_and_asked_for():
    reports = FakeCallReports([], zones={"org-ny": "America/New_York"})
    request = ReportRequest(RecordFilter(organization_id="org-ny"), date(2026, 3, 8), date(2026, 3, 8), -420)
    zone, _rows = call_reports.series(reports, request, "day", NOW)
    assert zone.name == "America/New_York"
    (period,) = reports.asked[-1]
    assert (period.start, period.end - period.start) == (datetime(2026, 3, 8, 5, tzinfo=UTC), timedelta(hours=23))
    _zone, _rows = call_reports.series(reports, ReportRequest(RecordFilter(), date(2026, 3, 8), date(2026, 3, 8),
                                                              -420), "day", NOW)
    assert reports.asked[-1][0].start == datetime(2026, 3, 7, 17, tzinfo=UTC)  # the caller's GMT+7


def test_series_without_dates_ends_today_in_the_zone_and_refuses_too_many_buckets():
    reports = FakeCallReports([])
    _zone, rows = call_reports.series(reports, ReportRequest(RecordFilter()), "day", NOW)
    assert (rows[0].start, rows[-1].start, len(rows)) == ("2026-03-02", "2026-03-31", 30)
    with pytest.raises(BadRequest) as refused:
        call_reports.series(reports, ReportRequest(RecordFilter(), date(2020, 1, 1), date(2026, 1, 1)), "day", NOW)
    assert refused.value.field == "from"


def test_kpis_period_is_the_local_days_inclusive():
    reports = FakeCallReports([(datetime(2026, 3, 1, 16, 59, tzinfo=UTC), 4),
                               (datetime(2026, 3, 1, 17, tzinfo=UTC), 8)])
    _zone, kpis = call_reports.kpis(reports, ReportRequest(RecordFilter(), date(2026, 3, 2), date(2026, 3, 2), -420))
    assert (kpis.calls, kpis.time_to_answer_max) == (1, 8)
    assert reports.asked[-1] == [Period(datetime(2026, 3, 1, 17, tzinfo=UTC), datetime(2026, 3, 2, 17, tzinfo=UTC))]


def test_series_csv_has_a_row_per_bucket_and_neutralises_formula_cells():
    reports = FakeCallReports([(datetime(2026, 3, 2, 9, tzinfo=UTC), 10)])
    _zone, rows = call_reports.series(reports, ReportRequest(RecordFilter(), date(2026, 3, 1), date(2026, 3, 2)),
                                      "day", NOW)
    lines = b"".join(series_csv(rows)).decode().splitlines()
    assert lines[0].startswith("start,calls,answered,missed,expired,answerRate,timeToAnswerP50")
    assert lines[1] == "2026-03-01,0,0,0,0,0.0,,,,,0,0.0"
    assert lines[2] == "2026-03-02,1,1,0,0,1.0,10.0,10.0,10,,0,0.0"
    from dropin_dashboard.use_cases.call_reports import _cell
    assert _cell("=1+1") == "'=1+1" and _cell(-3) == "-3"


def test_leaderboard_reads_the_period_in_the_zone():
    class Recording(FakeCallReports):
        def leaderboard(self, criteria, page):
            self.seen = (criteria, page)
            return []
    reports = Recording([])
    call_reports.leaderboard(reports, ReportRequest(RecordFilter(), date(2026, 3, 2), None, 60), Page(0, 10))
    assert reports.seen[0].period == Period(datetime(2026, 3, 2, 1, tzinfo=UTC), None)


def test_a_local_days_period_reads_days_of_its_zone_then_the_hours_left():
    from dropin_dashboard.adapters.period_buckets import phase_day_of, phased_ranges
    gmt7 = Zone(offset_minutes=-420)
    start, end = gmt7.midnight_utc(date(2026, 3, 1)), gmt7.midnight_utc(date(2026, 4, 1))
    assert phased_ranges(start, end) == [("day@17", start, end)]
    assert phase_day_of(datetime(2026, 3, 2, 16, 59, tzinfo=UTC), 17) == datetime(2026, 3, 1, 17, tzinfo=UTC)
    new_york = Zone(name="America/New_York")  # the week DST starts: 6 days of 24 hours and one of 23
    start, end = new_york.midnight_utc(date(2026, 3, 2)), new_york.midnight_utc(date(2026, 3, 9))
    assert phased_ranges(start, end) == [("day@5", start, start + timedelta(days=6)),
                                         ("hour", start + timedelta(days=6), end)]
    assert end - (start + timedelta(days=6)) == timedelta(hours=23)
