"""Ringing that reaches people, through nginx: business hours answer a closed organization's
request at once, an open one rings on the channel and by push (Pusher Beams stand-in), and
accepting tells the other phones to stop ringing."""
from __future__ import annotations

import concurrent.futures
import time
from datetime import datetime, timedelta, timezone

from dropin_common.testing import wait_until

from tests.e2e.helpers import VIN, new_active_dealer, new_organization, wait_until_online

RINGING, NO_LONGER_RINGING = "stream.ringing", "stream.no_longer_ringing"


def set_hours(api, admin_token, organization, **hours) -> dict:
    response = api.request("PATCH", f"/organizations/{organization['id']}", token=admin_token, json=hours)
    assert response.status_code == 200, response.text
    return response.json()


def pushes_to(stack, kind, stream_id):
    return [push for push in stack.beams.pushes_of(kind) if push.body["apns"]["data"]["streamId"] == stream_id]


def test_a_closed_organization_is_answered_missed_at_once(api, admin_token, stack):
    organization = new_organization(api, admin_token)
    new_active_dealer(api, admin_token, organization["id"])
    today = datetime.now(timezone.utc).date()
    days = [today - timedelta(days=1), today, today + timedelta(days=1)]
    set_hours(api, admin_token, organization, timezone="UTC", holidays=[day.isoformat() for day in days])
    opens = f"{(today + timedelta(days=2)).isoformat()}T00:00:00+00:00"
    wait_until(lambda: api.request("GET", f"/streams/availability/{organization['code']}").json()
               .get("nextOpenAt") == opens, message="the holidays to reach streams")

    started = time.monotonic()
    response = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN})
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["missedReason"], body["nextOpenAt"]) == ("missed", "closed", opens)
    assert body["notifiedDealers"] == 0 and body["dealersRung"] == 0
    print(f"closed organization answered in {elapsed * 1000:.0f} ms")  # the figure: make bench-streams
    assert api.request("GET", f"/streams/{body['id']}").json()["missedReason"] == "closed"


def test_an_open_organization_rings_its_online_dealer_on_the_channel_and_by_push(api, admin_token, stack):
    organization = new_organization(api, admin_token)
    dealer, _token = new_active_dealer(api, admin_token, organization["id"])
    new_active_dealer(api, admin_token, organization["id"], online=False)
    weekly = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    set_hours(api, admin_token, organization, timezone="America/Denver", businessHours=weekly)
    assert wait_until_online(api, organization, dealers=1) == {"open": True, "dealersOnline": 1, "nextOpenAt": None}

    response = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN})
    assert response.status_code == 201, response.text
    stream = response.json()
    assert (stream["status"], stream["notifiedDealers"], stream["missedReason"]) == ("requested", 1, None)
    wait_until(lambda: [event for event in stack.pusher.events_named("stream.requested")
                        if f"private-dealer-{dealer['id']}" in event.channels and event.data["id"] == stream["id"]],
               message="the ring on the dealer's channel")
    [push] = wait_until(lambda: pushes_to(stack, RINGING, stream["id"]), message="the ring pushed to the phone")
    assert push.users == (dealer["id"],)
    assert 0 < push.body["fcm"]["time_to_live"] <= 30  # the test stack's ring timeout


def test_accepting_pushes_no_longer_ringing_to_the_other_dealers(api, admin_token, stack):
    organization = new_organization(api, admin_token)
    alice, alice_token = new_active_dealer(api, admin_token, organization["id"])
    bob, _bob_token = new_active_dealer(api, admin_token, organization["id"])
    wait_until_online(api, organization, dealers=2)
    stream = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN}).json()
    assert stream["notifiedDealers"] == 2

    accepted = api.request("POST", f"/streams/accept/{stream['id']}", token=alice_token)
    assert accepted.status_code == 200, accepted.text
    [stop] = wait_until(lambda: pushes_to(stack, NO_LONGER_RINGING, stream["id"]),
                        message="the no-longer-ringing push")
    assert stop.users == (bob["id"],) and stop.body["fcm"]["data"]["status"] == "streaming"
    [ring] = pushes_to(stack, RINGING, stream["id"])
    assert sorted(ring.users) == sorted([alice["id"], bob["id"]])


def test_nobody_online_is_answered_missed_at_once(api, admin_token):
    organization = new_organization(api, admin_token)
    wait_until(lambda: api.request("GET", f"/streams/availability/{organization['code']}").status_code == 200,
               message="the organization to reach streams")
    body = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN}).json()
    assert (body["status"], body["missedReason"], body["notifiedDealers"]) == ("missed", "nobody_online", 0)


def test_the_beams_token_is_only_for_the_dealer_itself(api, admin_token, stack):
    organization = new_organization(api, admin_token)
    dealer, token = new_active_dealer(api, admin_token, organization["id"])
    wait_until_online(api, organization, dealers=1)
    mine = api.request("GET", "/pusher/beams-auth", token=token, params={"user_id": dealer["id"]})
    assert mine.status_code == 200 and mine.json()["token"], mine.text
    other = api.request("GET", "/pusher/beams-auth", token=token, params={"user_id": "someone-else"})
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_your_user_id"
    assert api.request("GET", "/pusher/beams-auth", params={"user_id": dealer["id"]}).status_code == 401
    assert api.request("GET", "/pusher/beams-auth", token=token, params={"user_id": dealer["id"]},
                       api_key=None).status_code == 401  # the gateway's apikey first


def test_bad_business_hours_are_a_400_naming_the_field_through_the_gateway(api, admin_token):
    organization = new_organization(api, admin_token)
    response = api.request("PATCH", f"/organizations/{organization['id']}", token=admin_token,
                           json={"businessHours": {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}})
    assert response.status_code == 400 and response.json()["error"]["field"] == "businessHours"


def test_availability_is_rate_limited_at_the_gateway_like_the_request(api):
    def ask(_n: int):
        return api.request("GET", "/streams/availability/no-such-org")

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(ask, range(50)))
    limited = [response for response in responses if response.status_code == 429]
    assert limited, "50 simultaneous availability checks from one client were all let through"
    assert {response.json()["error"]["code"] for response in limited} == {"rate_limited"}
    time.sleep(2)  # let the bucket drain
