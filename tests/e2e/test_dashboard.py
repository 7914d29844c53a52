"""Dashboard end to end, through nginx: streams and leads made with the streams service reach the
admin's calls, leads, counts and CSV exports; dealers and anonymous callers are kept out."""
from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, timedelta

import pytest

from dropin_common.testing import wait_until
from tests.e2e.helpers import new_active_dealer, new_organization, wait_until_online

VIN = "1HGCM82633A004352"


def dashboard(api, token, endpoint, **params):
    response = api.request("GET", f"/dashboard/{endpoint}", token=token, params=params)
    assert response.status_code == 200, response.text
    return response


@pytest.fixture(scope="module")
def finished_call(api, admin_token):
    """One organization with one dealer who took a stream, stopped it; the shopper left a lead."""
    organization = new_organization(api, admin_token)
    dealer, dealer_token = new_active_dealer(api, admin_token, organization["id"])
    wait_until_online(api, organization, dealers=1)
    response = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN})
    assert response.status_code == 201 and response.json()["notifiedDealers"] == 1, response.text
    stream_id = response.json()["id"]
    response = api.request("POST", f"/streams/accept/{stream_id}", token=dealer_token)
    assert response.status_code == 200, response.text
    assert api.request("POST", f"/streams/stop/{stream_id}").status_code == 200
    # A unique last name made of letters only: lead names are names (no digits).
    unique_letters = "".join(chr(ord("a") + int(digit, 16)) for digit in uuid.uuid4().hex[:8])
    shopper = {"firstName": "Quynh", "lastName": f"Etoe{unique_letters}", "email": "quynh@example.com",
               "phone": "0901234567", "comment": "Loved the walk-around"}
    response = api.request("POST", "/leads", json={"streamId": stream_id, **shopper})
    assert response.status_code == 201, response.text
    return {"organization": organization, "dealer": dealer, "dealer_token": dealer_token,
            "stream_id": stream_id, "shopper": shopper}


def test_admin_sees_the_call_with_its_shopper_and_dealer(api, admin_token, finished_call):
    by_org = {"query": json.dumps({"organizationName": finished_call["organization"]["name"]})}

    def the_call_with_its_lead():
        calls = dashboard(api, admin_token, "getcalls", **by_org).json()
        return calls if calls and calls[0]["firstName"] else None
    [call] = wait_until(the_call_with_its_lead, timeout=20, message="the call and its lead on the dashboard")
    assert call["id"] == finished_call["stream_id"] and call["status"] == "completed"
    assert (call["firstName"], call["lastName"], call["phone"]) == (
        "Quynh", finished_call["shopper"]["lastName"], "0901234567")
    assert call["dealerId"] == finished_call["dealer"]["id"] and call["dealerName"]
    assert call["vin"] == VIN and call["durationSeconds"] is not None


def test_admin_sees_the_lead_and_the_counts(api, admin_token, finished_call):
    name = finished_call["shopper"]["lastName"]
    wait_until(lambda: dashboard(api, admin_token, "countlead", name=name).json()["count"] == 1,
               timeout=20, message="the lead counted")
    [lead] = dashboard(api, admin_token, "getleads", name=name).json()
    assert lead["streamId"] == finished_call["stream_id"] and lead["comment"] == "Loved the walk-around"
    assert dashboard(api, admin_token, "countcall", name=name, status="completed").json() == {"count": 1}
    totals = dashboard(api, admin_token, "countallcalllead").json()
    assert totals["calls"] >= 1 and totals["leads"] >= 1


def test_admin_exports_the_call_as_csv(api, admin_token, finished_call):
    name = finished_call["shopper"]["lastName"]
    wait_until(lambda: dashboard(api, admin_token, "countcall", name=name).json()["count"] == 1,
               timeout=20, message="the call with its shopper")
    response = dashboard(api, admin_token, "exportcsvcalls", name=name, timezoneoffset=-420)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="calls-')
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["id"], row["lastName"], row["status"]) == (finished_call["stream_id"], name, "completed")


def test_admin_sees_the_organization_with_its_dealer(api, admin_token, finished_call):
    organization = finished_call["organization"]

    def listed():
        found = dashboard(api, admin_token, "getorganizations", name=organization["name"]).json()
        return found if found and found[0]["dealers"] else None
    [listed_org] = wait_until(listed, timeout=20, message="the organization and its dealer")
    assert listed_org["id"] == organization["id"]
    assert [dealer["id"] for dealer in listed_org["dealers"]] == [finished_call["dealer"]["id"]]


def test_admin_reads_the_calls_answer_figures_through_the_gateway(api, admin_token, finished_call):
    """KPIs, series, heatmap, leaderboard and the KPI CSV of the one organization's one call:
    answered by its one online dealer, with a lead."""
    by_org = {"organizationId": finished_call["organization"]["id"]}
    wait_until(lambda: dashboard(api, admin_token, "kpis", **by_org).json()["leads"] == 1,
               timeout=20, message="the call and its lead in the KPIs")
    kpis = dashboard(api, admin_token, "kpis", **by_org).json()
    assert (kpis["calls"], kpis["answered"], kpis["missed"], kpis["answerRate"], kpis["leadRate"]) == (
        1, 1, 0, 1.0, 1.0)
    [call] = dashboard(api, admin_token, "getcalls", **by_org).json()
    assert call["timeToAnswerSeconds"] is not None and call["dealersRung"] == 1
    answered_in = call["timeToAnswerSeconds"]
    assert kpis["timeToAnswer"] == {"p50": float(answered_in), "p90": float(answered_in), "max": answered_in}
    # Three local days around the call, whichever zone the organization keeps.
    today = date.fromisoformat(call["requestedAt"][:10])
    days = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    series = dashboard(api, admin_token, "series", interval="day", **days, **by_org).json()
    assert len(series["buckets"]) == 3 and sum(bucket["calls"] for bucket in series["buckets"]) == 1
    heatmap = dashboard(api, admin_token, "heatmap", **by_org).json()
    assert sum(map(sum, heatmap["calls"])) == 1 and sum(map(sum, heatmap["missed"])) == 0
    [standing] = dashboard(api, admin_token, "leaderboard", **by_org).json()
    assert (standing["dealerId"], standing["answered"], standing["leads"]) == (finished_call["dealer"]["id"], 1, 1)
    response = dashboard(api, admin_token, "exportcsvkpis", interval="day", **days, **by_org)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kpis-')
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["start"] for row in rows] == [bucket["start"] for bucket in series["buckets"]]
    assert sum(int(row["calls"]) for row in rows) == 1


def test_bad_interval_is_a_400_naming_interval(api, admin_token):
    response = api.request("GET", "/dashboard/series", token=admin_token, params={"interval": "hour"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "interval"


@pytest.mark.parametrize("endpoint", ["getcalls", "countcall", "exportcsvleads", "countallcalllead",
                                      "getorganizations", "kpis", "series", "heatmap", "leaderboard",
                                      "exportcsvkpis"])
def test_dealer_is_forbidden_and_anonymous_is_unauthorized(api, finished_call, endpoint):
    dealer = api.request("GET", f"/dashboard/{endpoint}", token=finished_call["dealer_token"])
    assert dealer.status_code == 403 and dealer.json()["error"]["code"] == "forbidden_role"
    anonymous = api.request("GET", f"/dashboard/{endpoint}")
    assert anonymous.status_code == 401


def test_bad_status_filter_is_a_400_naming_status(api, admin_token):
    response = api.request("GET", "/dashboard/getcalls", token=admin_token, params={"status": "ringing"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "status"
