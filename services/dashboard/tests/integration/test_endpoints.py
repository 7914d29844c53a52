"""Every /dashboard endpoint with every filter, on read models fed through the broker."""
import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from dropin_common.auth import ROLE_DEALER
from dropin_dashboard.adapters.criteria import phone_key_groups
from dropin_dashboard.domain.filters import Period

pytestmark = pytest.mark.integration

ENDPOINTS = ["getorganizations", "getcalls", "exportcsvcalls", "countcall", "getleads", "exportcsvleads",
             "countlead", "countcalllead", "countallcalllead", "kpis", "series", "heatmap", "leaderboard",
             "exportcsvkpis"]


def get(client, headers, endpoint, **params):
    response = client.get(f"/dashboard/{endpoint}", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def call_ids(client, headers, **params) -> list[str]:
    return [call["id"] for call in get(client, headers, "getcalls", **params)]


def lead_ids(client, headers, **params) -> list[str]:
    return [lead["id"] for lead in get(client, headers, "getleads", **params)]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_token_gets_401(client, endpoint):
    response = client.get(f"/dashboard/{endpoint}")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "authentication_required"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_dealer_gets_403(client, make_token, endpoint):
    response = client.get(f"/dashboard/{endpoint}", headers={"Authorization": f"JWT {make_token(ROLE_DEALER)}"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden_role"


def test_calls_are_listed_newest_first_with_shopper_and_dealer(client, admin_headers, dataset):
    calls = get(client, admin_headers, "getcalls")
    assert [call["id"] for call in calls] == [dataset.call_ids[key] for key in "DABC"]
    call_a = calls[1]
    assert (call_a["firstName"], call_a["lastName"], call_a["email"], call_a["phone"]) == \
        ("Lan", "Nguyen", "lan@example.com", "+84 90 111 2222")
    assert (call_a["dealerName"], call_a["durationSeconds"], call_a["status"]) == ("Minh Tran", 240, "completed")
    assert calls[3]["firstName"] is None  # C has no lead


@pytest.mark.parametrize("params,expected", [
    ({"name": "nguy"}, "A"), ({"name": "BAO"}, "B"), ({"name": "tran"}, "B"),  # shopper, not dealer, names
    ({"phone": "0100"}, "B"), ({"phone": "111 22"}, "A"),
    ({"organizationName": "sunrise"}, "AC"), ({"organizationName": "HONDA"}, "DB"),
    ({"status": "missed,expired"}, "BC"), ({"status": "streaming"}, "D"),
    ({"carType": "sedan"}, "DA"), ({"carModel": "CIVIC"}, "B"), ({"carMake": "honda"}, "DB"),
    ({"carMake": "hon"}, ""),  # equality, not substring
    ({"vin": "2HGF"}, "B"), ({"vin": "000003"}, "C"), ({"vin": "xyz"}, ""),
    ({"from": "2026-06-16", "to": "2026-06-16"}, "AB"),
    ({"from": "2026-06-16", "to": "2026-06-16", "timezoneoffset": -420}, "BC"),  # GMT+7
    ({"from": "2026-06-17", "timezoneoffset": -420}, "DA"),
    ({"to": "2026-06-15", "timezoneoffset": 300}, "C"),  # GMT-5: C is the 15th, 18:00 local
    ({"carMake": "toyota", "status": "completed"}, "A"),
    # One organization (its count from call_stats when the period's edges are UTC hours).
    ({"organizationId": "org-sun"}, "AC"), ({"organizationId": "org-sun", "from": "2026-06-16"}, "A"),
    ({"organizationId": "org-river", "to": "2026-06-16", "timezoneoffset": -330}, "B"), ({"organizationId": "org"}, ""),
    ({"organizationName": "sunrise", "from": "2026-06-17", "timezoneoffset": -420}, "A"),
    ({"organizationName": "o", "organizationId": "org-river"}, "DB"),
    # A name rare in a period: read through a materialized CTE, in the same order.
    ({"name": "n", "from": "2026-06-16", "to": "2026-06-16"}, "AB"),
    ({"name": "tran", "from": "2026-06-15", "to": "2026-06-17", "status": "completed"}, ""),
    # Digits within a bounded period: the phone search keys (the digits in the period's months) narrow,
    # the substring of the phone as written decides.
    ({"phone": "2222", "from": "2026-06-16", "to": "2026-06-16"}, "A"),
    ({"phone": "2222", "from": "2026-07-01", "to": "2026-07-31"}, ""),
    ({"phone": "1112", "from": "2026-06-01", "to": "2026-06-30"}, ""),  # 84901112222 has it, "+84 90 111 2222" not
    ({"phone": "0100", "from": "2026-05-20", "to": "2026-06-30", "timezoneoffset": -420}, "B"),  # two months
])
def test_each_call_filter(client, admin_headers, dataset, params, expected):
    assert call_ids(client, admin_headers, **params) == [dataset.call_ids[key] for key in expected]
    assert get(client, admin_headers, "countcall", **params) == {"count": len(expected)}


def test_a_records_phone_search_keys_are_the_keys_a_filter_asks_for(container):
    """Migration 0010's SQL function and criteria.phone_key_groups agree on every key."""
    moment = datetime(2026, 6, 30, 23, 59, tzinfo=timezone.utc)
    with container.engine.connect() as conn:
        keys = conn.execute(sa.select(sa.func.phone_search_keys("+84 90 111-2222", moment))).scalar_one()
    runs = ["8490", "4901", "9011", "0111", "1112", "1122", "1222", "2222"]
    asked = [group for run in runs
             for group in phone_key_groups(run, Period(moment, moment + timedelta(seconds=1)))]
    assert sorted(keys) == sorted(key for group in asked for key in group) and len(asked) == len(runs)


def test_filters_in_the_query_json_work_like_plain_parameters(client, admin_headers, dataset):
    query = json.dumps({"organizationName": "honda", "status": "missed,streaming", "skip": 1, "limit": 1})
    assert call_ids(client, admin_headers, query=query) == [dataset.call_ids["B"]]


def test_skip_and_limit_page_through_calls(client, admin_headers, dataset):
    assert call_ids(client, admin_headers, skip=1, limit=2) == [dataset.call_ids[key] for key in "AB"]
    rare_name_in_period = {"name": "n", "from": "2026-06-15", "to": "2026-06-17"}
    assert call_ids(client, admin_headers, skip=1, limit=1, **rare_name_in_period) == [dataset.call_ids["B"]]


@pytest.mark.parametrize("params,expected", [
    ({}, "AB"), ({"name": "lan"}, "A"), ({"phone": "0100"}, "B"), ({"organizationName": "riverside"}, "B"),
    ({"status": "completed"}, "A"), ({"status": "missed,expired"}, "B"), ({"carType": "coupe"}, "B"),
    ({"carModel": "camry"}, "A"), ({"carMake": "TOYOTA"}, "A"), ({"vin": "4T1BF"}, "A"),
    ({"from": "2026-06-17", "to": "2026-06-17", "timezoneoffset": -420}, "A"),
    ({"from": "2026-06-16", "to": "2026-06-16", "timezoneoffset": -420}, "B"),
    ({"name": "N", "from": "2026-06-16", "to": "2026-06-17", "timezoneoffset": -420}, "AB"),
    ({"phone": "0100", "from": "2026-06-16", "to": "2026-06-16"}, "B"), ({"phone": "0100", "from": "2026-07-01"}, ""),
])
def test_each_lead_filter(client, admin_headers, dataset, params, expected):
    assert lead_ids(client, admin_headers, **params) == [dataset.lead_ids[key] for key in expected]
    assert get(client, admin_headers, "countlead", **params) == {"count": len(expected)}


def test_lead_shows_its_call_status_and_organization(client, admin_headers, dataset):
    lead = get(client, admin_headers, "getleads", name="lan")[0]
    assert (lead["streamId"], lead["callStatus"], lead["organizationName"]) == \
        (dataset.call_ids["A"], "completed", "Sunrise Toyota")
    assert lead["createdAt"] == "2026-06-16T18:40:00Z" and lead["comment"] == "Call me back"


def test_counts_of_calls_and_leads_in_a_period(client, admin_headers, dataset):
    assert get(client, admin_headers, "countcalllead", **{"from": "2026-06-16", "to": "2026-06-16"}) == \
        {"calls": 2, "leads": 2}
    in_gmt7 = {"from": "2026-06-17", "to": "2026-06-17", "timezoneoffset": -420}
    assert get(client, admin_headers, "countcalllead", **in_gmt7) == {"calls": 2, "leads": 1}
    assert get(client, admin_headers, "countcalllead",
               query=json.dumps({"from": "2026-06-18"})) == {"calls": 0, "leads": 0}


def test_count_of_all_calls_and_leads(client, admin_headers, dataset):
    assert get(client, admin_headers, "countallcalllead") == {"calls": 4, "leads": 2}


@pytest.mark.parametrize("endpoint,params,field", [
    ("getcalls", {"status": "ringing"}, "status"), ("getleads", {"status": "done"}, "status"),
    ("countcall", {"from": "yesterday"}, "from"), ("countlead", {"to": "2026-02-30"}, "to"),
    ("getcalls", {"limit": "500"}, "limit"), ("exportcsvcalls", {"timezoneoffset": "x"}, "timezoneoffset"),
    ("exportcsvleads", {"status": "nope"}, "status"), ("getorganizations", {"skip": "-3"}, "skip"),
    ("countcalllead", {"from": "2026-06-17", "to": "2026-06-16"}, "to"), ("getcalls", {"query": "[1"}, "query"),
    # what the database or the calendar cannot hold: a 400, not a 500
    ("getcalls", {"query": '{"to": "9999-12-31"}'}, "to"), ("getcalls", {"skip": str(2 ** 63)}, "skip"),
    ("countcalllead", {"from": "0001-01-01", "timezoneoffset": "-420"}, "from"),
    ("exportcsvcalls", {"limit": str(10 ** 20)}, "limit"), ("getleads", {"name": "a\x00b"}, "name"),
    ("getorganizations", {"query": '{"name": "a\\u0000"}'}, "name"),
])
def test_bad_filter_is_a_400_naming_the_field(client, admin_headers, endpoint, params, field):
    response = client.get(f"/dashboard/{endpoint}", headers=admin_headers, query_string=params)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("endpoint,params,field", [
    ("getcalls", {"to": ""}, "to"), ("getcalls", {"limit": ""}, "limit"), ("countcalllead", {"from": ""}, "from"),
    ("exportcsvleads", {"timezoneoffset": ""}, "timezoneoffset"), ("leaderboard", {"skip": ""}, "skip"),
])
def test_an_empty_day_or_number_is_a_400_naming_the_field(client, admin_headers, endpoint, params, field):
    response = client.get(f"/dashboard/{endpoint}", headers=admin_headers, query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_an_empty_text_or_status_filter_is_no_filter(client, admin_headers, dataset):
    assert len(call_ids(client, admin_headers, name="", status="", vin="")) == 4


def test_like_wildcards_in_a_filter_match_literally(client, admin_headers, dataset):
    assert call_ids(client, admin_headers, name="%") == []
    assert call_ids(client, admin_headers, vin="_") == []


@pytest.mark.parametrize("offset", [0, -420, 300, -330, -345, 7])  # 7: off the 15-minute grid, counted live
def test_period_counts_agree_with_the_listed_rows_in_any_zone(client, admin_headers, dataset, offset):
    periods = [{"from": day, "to": day} for day in ("2026-06-15", "2026-06-16", "2026-06-17")] + [
        {"from": "2026-06-15", "to": "2026-06-17"}, {"from": "2026-06-16"}, {"to": "2026-06-16"}]
    for period in periods:
        period = {**period, "timezoneoffset": offset}
        listed = {"calls": len(get(client, admin_headers, "getcalls", **period)),
                  "leads": len(get(client, admin_headers, "getleads", **period))}
        assert get(client, admin_headers, "countcalllead", **period) == listed
        assert get(client, admin_headers, "countcall", **period) == {"count": listed["calls"]}
