"""KPIs, series, heatmap, leaderboard and the KPI CSV on read models fed through the broker,
events out of order and redelivered; the pre-aggregated figures against the calls themselves."""
import csv
import io

import pytest
import sqlalchemy as sa

from dropin_common.auth import ROLE_DEALER
from tests.integration.conftest import reset_read_models
from tests.payloads import account_payload, lead_payload, organization_payload, stream_payload

pytestmark = pytest.mark.integration

DEALER_A = {"id": "fig-a", "firstName": "Ann", "lastName": "Lee"}
DEALER_B = {"id": "fig-b", "firstName": "Bo", "lastName": "Vu"}
DEALER_C = {"id": "fig-c", "firstName": "Cy", "lastName": "Do"}
ALL_STATUSES = "requested,streaming,missed,completed,expired"  # a filter that reads the calls themselves


def at(moment: str, seconds: int) -> str:
    from datetime import timedelta
    from dropin_common.timeutil import iso, parse_iso
    return iso(parse_iso(moment) + timedelta(seconds=seconds))


def ny(key, requested, **fields):
    return dict(stream_id=f"fig-{key}", organization_id="org-ny", organization_name="Hudson Ford",
                requested_at=requested, **fields)


N1, N2, N3, N4 = "2026-03-07T15:00:00Z", "2026-03-09T14:30:00Z", "2026-03-09T15:00:00Z", "2026-03-10T02:00:00Z"
X1 = "2026-03-09T16:00:00Z"


@pytest.fixture(scope="module")
def figures(container, publisher, probe):
    reset_read_models(container)  # empties the read models, keeps the admin the tests sign as known
    events = []

    def publish(event_type, data, **kwargs):
        events.append(publisher.publish(event_type, data, **kwargs))
        return events[-1]

    # Hudson Ford keeps New York time; its organization event comes after its first calls.
    # N1 (Sat 10:00 EST): answered in 12 s, completed after 288 s, two leads.
    publish("stream.stopped", {"stream": stream_payload(**ny("n1", N1), version=3, status="completed",
            dealer=DEALER_A, accepted_at=at(N1, 12), stopped_at=at(N1, 300), duration_seconds=288)})
    for index in range(2):
        publish("lead.created", {"lead": lead_payload("fig-n1", lead_id=f"fig-n1-lead{index}",
                created_at=at(N1, 400 + index), organization_id="org-ny", organization_name="Hudson Ford")})
    # N2 (Mon 10:30 EDT): accepted after 30 s then expired; events arrive newest first, and the
    # requested event, the only one saying how many dealers rang, last.
    publish("stream.stopped", {"stream": stream_payload(**ny("n2", N2), version=3, status="expired",
            dealer=DEALER_A, accepted_at=at(N2, 30), stopped_at=at(N2, 130), duration_seconds=100)})
    publish("stream.accepted", {"stream": stream_payload(**ny("n2", N2), version=2, status="streaming",
            dealer=DEALER_A, accepted_at=at(N2, 30))})
    publish("stream.requested", {"stream": stream_payload(**ny("n2", N2), version=1, dealersRung=3)})
    # N3 (Mon 11:00 EDT): missed, delivered twice (same event id) and copied (a new id, same snapshot).
    missed = {"stream": stream_payload(**ny("n3", N3), version=2, status="missed", stopped_at=at(N3, 60),
                                       missedReason="no_dealer_online")}
    first = publish("stream.stopped", missed)
    publish("stream.stopped", missed, event_id=first.id)
    publish("stream.stopped", missed)
    # N4 (Mon 22:00 EDT, already Tuesday in UTC): answered in 5 s, still streaming.
    publish("stream.accepted", {"stream": stream_payload(**ny("n4", N4), version=2, status="streaming",
            dealer=DEALER_B, accepted_at=at(N4, 5))})
    publish("organization.created", {"organization": organization_payload(
        "org-ny", name="Hudson Ford", timezone="America/New_York")})
    # X1 at another organization (no zone known): its lead arrives before its call.
    publish("lead.created", {"lead": lead_payload("fig-x1", lead_id="fig-x1-lead", created_at=at(X1, 500),
                                                  organization_id="org-x", organization_name="Xeno Kia")})
    publish("stream.stopped", {"stream": stream_payload(stream_id="fig-x1", organization_id="org-x",
            organization_name="Xeno Kia", requested_at=X1, version=3, status="completed", dealer=DEALER_C,
            accepted_at=at(X1, 20), stopped_at=at(X1, 120), duration_seconds=100)})
    publish("account.updated", {"account": account_payload("fig-a", organization_id="org-ny", first_name="Annie",
                                                           last_name="Lee")})
    probe.wait_handled(*{event.id: event for event in events}.values())
    return container


def get(client, headers, endpoint, **params):
    response = client.get(f"/dashboard/{endpoint}", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


NY_WEEK = {"organizationId": "org-ny", "from": "2026-03-07", "to": "2026-03-10"}


def test_each_call_keeps_its_answer_figures_computed_as_events_arrived(client, admin_headers, figures):
    calls = {call["id"]: call for call in get(client, admin_headers, "getcalls", organizationId="org-ny").get_json()}
    assert set(calls) == {"fig-n1", "fig-n2", "fig-n3", "fig-n4"}
    assert [calls[key]["timeToAnswerSeconds"] for key in ("fig-n1", "fig-n2", "fig-n3", "fig-n4")] == [12, 30, None, 5]
    assert (calls["fig-n2"]["status"], calls["fig-n2"]["dealersRung"]) == ("expired", 3)  # the late requested event
    assert (calls["fig-n3"]["missedReason"], calls["fig-n3"]["dealersRung"]) == ("no_dealer_online", None)
    assert calls["fig-n1"]["durationSeconds"] == 288


def test_kpis_count_from_events_accepted_then_expired_is_answered_and_expired(client, admin_headers, figures):
    kpis = get(client, admin_headers, "kpis", **NY_WEEK).get_json()
    assert kpis == {"calls": 4, "answered": 3, "missed": 1, "expired": 1, "answerRate": 0.75,
                    "timeToAnswer": {"p50": 12.0, "p90": pytest.approx(26.4), "max": 30},
                    "averageDurationSeconds": 194.0, "leads": 2, "leadRate": 0.25}


def test_kpis_take_the_getcalls_filters_and_query_json(client, admin_headers, figures):
    missed = get(client, admin_headers, "kpis", query='{"status": "missed", "organizationId": "org-ny"}').get_json()
    assert (missed["calls"], missed["answered"], missed["missed"], missed["timeToAnswer"]["p50"]) == (1, 0, 1, None)
    everything = get(client, admin_headers, "kpis").get_json()
    assert (everything["calls"], everything["answered"], everything["leads"]) == (5, 4, 3)
    assert everything["timeToAnswer"] == {"p50": 16.0, "p90": pytest.approx(27.0), "max": 30}  # 5, 12, 20, 30


@pytest.mark.parametrize("params", [
    {}, NY_WEEK, {"from": "2026-03-09", "to": "2026-03-09", "timezoneoffset": -420},
    {"from": "2026-03-09", "to": "2026-03-09", "timezoneoffset": -330},  # GMT+5:30: not on UTC hours
    {"organizationId": "org-x", "from": "2026-03-01"}, {"to": "2026-03-08", "timezoneoffset": 300},
])
def test_pre_aggregated_figures_equal_the_calls_own(client, admin_headers, figures, params):
    """A status filter naming every status matches every call, but makes the figures come from the
    calls rather than call_stats / answer_times: both must agree, percentiles included."""
    assert get(client, admin_headers, "kpis", **params).get_json() == \
        get(client, admin_headers, "kpis", status=ALL_STATUSES, **params).get_json()
    for interval in ("day", "week", "month"):
        series = {"interval": interval, "from": "2026-03-01", "to": "2026-03-12", **params}
        assert get(client, admin_headers, "series", **series).get_json() == \
            get(client, admin_headers, "series", status=ALL_STATUSES, **series).get_json()
    assert get(client, admin_headers, "heatmap", **params).get_json() == \
        get(client, admin_headers, "heatmap", status=ALL_STATUSES, **params).get_json()


def test_percentiles_equal_postgresql_percentile_cont_over_the_calls(client, admin_headers, figures):
    with figures.engine.connect() as conn:
        p50, p90 = conn.execute(sa.text(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_answer_seconds), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY time_to_answer_seconds) FROM calls")).one()
    answer = get(client, admin_headers, "kpis").get_json()["timeToAnswer"]
    assert (answer["p50"], answer["p90"]) == (pytest.approx(p50), pytest.approx(p90))


def test_the_projections_running_totals_equal_a_recount_from_the_calls(figures):
    """Out-of-order and repeated events left call_stats / answer_times and dealer_stats /
    dealer_answer_times exactly as the rows say."""
    def snapshot():
        with figures.engine.connect() as conn:
            return [sorted(tuple(row) for row in conn.execute(sa.text(f"SELECT * FROM {table} WHERE {nonzero}")))
                    for table, nonzero in (("call_stats", "calls <> 0"), ("answer_times", "count <> 0"),
                                           ("dealer_stats", "answered <> 0"), ("dealer_answer_times", "count <> 0"))]
    kept = snapshot()
    figures.maintenance.recount_periods()
    assert snapshot() == kept and all(kept)
    # Four answered calls with a dealer, each in its UTC day, month and year.
    assert sum(row[3] for row in kept[2] if row[0] == "day") == 4


def test_series_buckets_are_local_days_of_the_organizations_zone_with_empty_ones(client, admin_headers, figures):
    series = get(client, admin_headers, "series", interval="day", timezoneoffset=-420, **NY_WEEK).get_json()
    assert (series["interval"], series["timezone"], series["timezoneOffset"]) == ("day", "America/New_York", -420)
    assert [(row["start"], row["calls"], row["answered"]) for row in series["buckets"]] == [
        ("2026-03-07", 1, 1), ("2026-03-08", 0, 0), ("2026-03-09", 3, 2), ("2026-03-10", 0, 0)]
    assert series["buckets"][1]["timeToAnswer"] == {"p50": None, "p90": None, "max": None}


def test_series_without_an_organization_uses_the_callers_offset(client, admin_headers, figures):
    series = get(client, admin_headers, "series", interval="day",
                 **{"from": "2026-03-07", "to": "2026-03-10"}).get_json()
    assert series["timezone"] is None
    assert [row["calls"] for row in series["buckets"]] == [1, 0, 3, 1]  # UTC days: N4 is on the 10th
    weeks = get(client, admin_headers, "series", interval="week",
                **{"from": "2026-03-01", "to": "2026-03-31"}).get_json()
    assert [(row["start"], row["calls"]) for row in weeks["buckets"]] == [
        ("2026-02-23", 0), ("2026-03-02", 1), ("2026-03-09", 4), ("2026-03-16", 0), ("2026-03-23", 0),
        ("2026-03-30", 0)]


def test_heatmap_counts_calls_and_missed_by_local_weekday_and_hour(client, admin_headers, figures):
    heatmap = get(client, admin_headers, "heatmap", organizationId="org-ny").get_json()
    assert heatmap["weekdays"][0] == "Mon" and len(heatmap["calls"]) == 7
    assert {len(row) for row in heatmap["calls"] + heatmap["missed"]} == {24}
    cells = {(day, hour): count for day, row in enumerate(heatmap["calls"]) for hour, count in enumerate(row) if count}
    assert cells == {(5, 10): 1, (0, 10): 1, (0, 11): 1, (0, 22): 1}  # EST before Mar 8, EDT after
    assert heatmap["missed"][0][11] == 1 and sum(map(sum, heatmap["missed"])) == 1
    gmt7 = get(client, admin_headers, "heatmap", timezoneoffset=-420).get_json()
    cells = {(day, hour): count for day, row in enumerate(gmt7["calls"]) for hour, count in enumerate(row) if count}
    assert cells == {(5, 22): 1, (0, 21): 1, (0, 22): 1, (0, 23): 1, (1, 9): 1}


def test_leaderboard_ranks_dealers_by_answered_then_quicker_median(client, admin_headers, figures):
    rows = get(client, admin_headers, "leaderboard").get_json()
    assert rows == [
        {"dealerId": "fig-a", "dealerName": "Annie Lee", "answered": 2, "medianTimeToAnswerSeconds": 21.0,
         "averageDurationSeconds": 194.0, "leads": 2},
        {"dealerId": "fig-b", "dealerName": "Bo Vu", "answered": 1, "medianTimeToAnswerSeconds": 5.0,
         "averageDurationSeconds": None, "leads": 0},
        {"dealerId": "fig-c", "dealerName": "Cy Do", "answered": 1, "medianTimeToAnswerSeconds": 20.0,
         "averageDurationSeconds": 100.0, "leads": 1}]
    second_page = get(client, admin_headers, "leaderboard", skip=1, limit=1).get_json()
    assert [row["dealerId"] for row in second_page] == ["fig-b"]
    assert [row["dealerId"] for row in get(client, admin_headers, "leaderboard", organizationId="org-x").get_json()] \
        == ["fig-c"]


def test_kpi_csv_has_a_row_per_bucket(client, admin_headers, figures):
    response = get(client, admin_headers, "exportcsvkpis", interval="day", **NY_WEEK)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kpis-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["start"], row["calls"], row["answerRate"], row["timeToAnswerP50"]) for row in rows] == [
        ("2026-03-07", "1", "1.0", "12.0"), ("2026-03-08", "0", "0.0", ""), ("2026-03-09", "3", "0.6667", "17.5"),
        ("2026-03-10", "0", "0.0", "")]


@pytest.mark.parametrize("endpoint,params,field", [
    ("series", {"interval": "hour"}, "interval"), ("series", {"from": "2026-03-02", "to": "2026-03-01"}, "to"),
    ("series", {"from": "2000-01-01", "to": "2026-01-01"}, "from"), ("kpis", {"from": "2026-02-30"}, "from"),
    ("heatmap", {"timezoneoffset": "x"}, "timezoneoffset"), ("leaderboard", {"limit": 101}, "limit"),
    ("exportcsvkpis", {"status": "ringing"}, "status"), ("kpis", {"query": "[1]"}, "query"),
])
def test_bad_parameters_are_400s_naming_the_field(client, admin_headers, endpoint, params, field):
    response = client.get(f"/dashboard/{endpoint}", headers=admin_headers, query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_a_dealer_of_the_organization_is_refused(client, make_token):
    dealer = {"Authorization": f"JWT {make_token(ROLE_DEALER)}"}
    for endpoint in ("kpis", "series", "heatmap", "leaderboard", "exportcsvkpis"):
        response = client.get(f"/dashboard/{endpoint}", headers=dealer, query_string={"organizationId": "org-1"})
        assert response.status_code == 403, endpoint


def test_period_and_organization_alone_read_the_pre_aggregations_not_the_calls(client, admin_headers, figures,
                                                                              monkeypatch):
    read_calls = []
    original = type(figures.call_reports)._figures_from_calls

    def spy(self, *args):
        read_calls.append(args)
        return original(self, *args)
    monkeypatch.setattr(type(figures.call_reports), "_figures_from_calls", spy)
    assert get(client, admin_headers, "kpis", **NY_WEEK).get_json()["calls"] == 4
    assert len(get(client, admin_headers, "series", interval="day", **NY_WEEK).get_json()["buckets"]) == 4
    assert read_calls == []
    # A half-hour zone's days do not start on UTC hours: those figures come from the calls.
    get(client, admin_headers, "kpis", **{"from": "2026-03-09", "timezoneoffset": -330})
    assert len(read_calls) == 1


def test_a_revoked_admin_token_is_refused_by_the_figures(client, make_token, publisher, probe):
    from dropin_common.auth import ROLE_ADMIN
    token = make_token(ROLE_ADMIN, account_id="adm-fig", jti="jti-fig")
    headers = {"Authorization": f"JWT {token}"}
    assert client.get("/dashboard/kpis", headers=headers).status_code == 200
    probe.wait_handled(publisher.publish("account.tokens_revoked", {
        "accountId": "adm-fig", "jti": "jti-fig", "expiresAt": "2030-01-01T00:00:00Z"}))
    for endpoint in ("kpis", "series", "heatmap", "leaderboard", "exportcsvkpis"):
        response = client.get(f"/dashboard/{endpoint}", headers=headers)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "token_revoked", endpoint


LEADERBOARD_PARAMS = [
    {}, {"from": "2026-03-07", "to": "2026-03-10"}, {"from": "2026-03-09", "to": "2026-03-09", "timezoneoffset": -420},
    {"from": "2026-03-09", "to": "2026-03-09", "timezoneoffset": -330}, {"from": "2026-03-08", "timezoneoffset": 300},
    {"to": "2026-03-09", "timezoneoffset": -345}, {"from": "2026-01-01", "to": "2026-12-31", "timezoneoffset": -420},
    {"from": "2026-03-01", "to": "2026-03-31", "timezoneoffset": 240}, {"skip": 1, "limit": 1}, {"skip": 2},
    {"skip": 3}, {"limit": 2, "timezoneoffset": -420, "from": "2026-02-01"},
]


@pytest.mark.parametrize("params", LEADERBOARD_PARAMS)
def test_pre_aggregated_leaderboard_equals_the_calls_own(client, admin_headers, figures, params):
    """Every organization over a period alone is ranked from dealer_stats / dealer_answer_times; a
    status filter naming every status reads the calls with percentile_cont: both must agree, page
    by page, names and medians included."""
    assert get(client, admin_headers, "leaderboard", **params).get_json() == \
        get(client, admin_headers, "leaderboard", status=ALL_STATUSES, **params).get_json()


def test_leaderboard_medians_equal_percentile_cont_over_the_calls(client, admin_headers, figures):
    with figures.engine.connect() as conn:
        expected = dict(conn.execute(sa.text(
            "SELECT dealer_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_answer_seconds) FROM calls "
            "WHERE accepted_at IS NOT NULL AND dealer_id IS NOT NULL GROUP BY dealer_id")).all())
    rows = get(client, admin_headers, "leaderboard").get_json()
    assert {row["dealerId"]: row["medianTimeToAnswerSeconds"] for row in rows} == expected


def test_every_organizations_leaderboard_reads_the_pre_aggregations_not_the_calls(client, admin_headers, figures,
                                                                               monkeypatch):
    read_calls = []
    original = type(figures.call_reports)._leaderboard_from_calls

    def spy(self, *args):
        read_calls.append(args)
        return original(self, *args)
    monkeypatch.setattr(type(figures.call_reports), "_leaderboard_from_calls", spy)
    half_hour_zone = {"from": "2026-03-01", "timezoneoffset": -330}
    assert len(get(client, admin_headers, "leaderboard", **half_hour_zone).get_json()) == 3
    assert read_calls == []
    get(client, admin_headers, "leaderboard", organizationId="org-ny")  # one organization: its calls' index
    assert len(read_calls) == 1


def test_dealer_figures_follow_a_call_that_changes_dealer_and_leads_out_of_order(figures, publisher, probe,
                                                                                  client, admin_headers):
    """A call first seen accepted by one dealer, then (a newer snapshot) by another, with a lead
    in between and the older snapshot redelivered last: the dealer rows move with the call."""
    moment = "2026-05-04T10:00:00Z"
    events = [
        publisher.publish("stream.accepted", {"stream": stream_payload(**ny("mv", moment), version=2,
                          status="streaming", dealer=DEALER_C, accepted_at=at(moment, 9))}),
        publisher.publish("lead.created", {"lead": lead_payload(
            "fig-mv", lead_id="fig-mv-lead", created_at=at(moment, 60), organization_id="org-ny",
            organization_name="Hudson Ford")}),
        publisher.publish("stream.stopped", {"stream": stream_payload(**ny("mv", moment), version=4,
                          status="completed", dealer=DEALER_B, accepted_at=at(moment, 14), stopped_at=at(moment, 74),
                          duration_seconds=60)}),
    ]
    late = publisher.publish("stream.accepted", {"stream": stream_payload(**ny("mv", moment), version=2,
                             status="streaming", dealer=DEALER_C, accepted_at=at(moment, 9))})
    probe.wait_handled(*events, late)
    may = {"from": "2026-05-01", "to": "2026-05-31", "timezoneoffset": -420}
    rows = get(client, admin_headers, "leaderboard", **may).get_json()
    assert rows == [{"dealerId": "fig-b", "dealerName": "Bo Vu", "answered": 1, "medianTimeToAnswerSeconds": 14.0,
                     "averageDurationSeconds": 60.0, "leads": 1}]
    assert rows == get(client, admin_headers, "leaderboard", status=ALL_STATUSES, **may).get_json()
    with figures.engine.connect() as conn:
        kept = sorted(tuple(row) for row in conn.execute(sa.text(
            "SELECT * FROM dealer_stats WHERE answered <> 0 OR leads <> 0 OR durations <> 0")))
    figures.maintenance.recount_periods()
    with figures.engine.connect() as conn:
        assert kept == sorted(tuple(row) for row in conn.execute(sa.text("SELECT * FROM dealer_stats")))


@pytest.mark.parametrize("params", [NY_WEEK, {"from": "2026-01-01", "to": "2026-12-31", "timezoneoffset": -420}])
def test_the_series_body_is_what_its_documented_schema_dumps(client, admin_headers, figures, params):
    """The series is sent without a marshmallow dump (a year of days took longer to dump than to
    compute): its body must be exactly what SeriesAnswer would have made of it."""
    from dropin_dashboard.entrypoints.schemas import SeriesAnswer
    for interval in ("day", "week", "month"):
        body = get(client, admin_headers, "series", interval=interval, **params).get_json()
        assert body == SeriesAnswer().dump(body) and body["buckets"]
        assert all(isinstance(row["answerRate"], float) and isinstance(row["calls"], int) for row in body["buckets"])
