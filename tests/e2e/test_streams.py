"""Streams through nginx: a shopper's walk-around from request to loan link, as the apps drive it."""
from __future__ import annotations

import concurrent.futures
import hashlib
import hmac
import uuid

from dropin_common.testing import wait_until

from tests.e2e.helpers import new_active_dealer, new_organization, request_ringing, unique

VIN = "1HGCM82633A004352"


def pusher_events(stack, name, channel):
    return [event for event in stack.pusher.events_named(name) if channel in event.channels]


def test_a_walk_around_from_request_to_loan_link(api, admin_token, stack):
    organization = new_organization(api, admin_token, loan_link="https://loans.example.com/apply")
    alice, alice_token = new_active_dealer(api, admin_token, organization["id"])
    _bob, bob_token = new_active_dealer(api, admin_token, organization["id"])
    stream = request_ringing(api, organization, dealers=2)
    stream_id = stream["id"]
    assert stream["status"] == "requested" and stream["vehicle"]["make"] == "Honda"

    wait_until(lambda: pusher_events(stack, "stream.requested", f"private-dealer-{alice['id']}"),
               message="the ring on alice's channel")

    accepted = api.request("POST", f"/streams/accept/{stream_id}", token=alice_token)
    second = api.request("POST", f"/streams/accept/{stream_id}", token=bob_token)
    assert accepted.status_code == 200, accepted.text
    assert second.status_code == 409 and second.json()["error"]["code"] == "stream_not_requested"

    assert api.request("POST", "/ping", token=alice_token).status_code == 200
    assert api.request("POST", f"/streams/log/{stream_id}", json={"type": "pusher", "code": 3}).status_code == 201

    stopped = api.request("POST", f"/streams/stop/{stream_id}", token=alice_token)
    assert stopped.status_code == 200, stopped.text
    assert (stopped.json()["status"], stopped.json()["stoppedBy"]) == ("completed", "dealer")
    assert api.request("POST", f"/streams/stop/{stream_id}", token=bob_token).json() == stopped.json()

    shopper_email = f"{unique('shopper')}@example.com"
    lead = api.request("POST", "/leads", json={"streamId": stream_id, "firstName": "Sam", "email": shopper_email,
                                               "comment": "Loved it"})
    assert lead.status_code == 201, lead.text
    noted = api.request("POST", f"/streams/note/{stream_id}", token=alice_token, json={"note": "Call back Monday"})
    assert noted.status_code == 200 and noted.json()["note"] == "Call back Monday"

    sent = api.request("POST", f"/streams/sendloanlink/{stream_id}", token=alice_token)
    assert sent.status_code == 202, sent.text
    assert sent.json()["to"] == shopper_email
    mail = wait_until(lambda: next((m for m in stack.mailbox if m["To"] == shopper_email), None),
                      message="the loan link e-mail")
    assert "https://loans.example.com/apply" in mail.get_content()
    # The shopper asking again gets the same mail back, without its address, and nothing is sent.
    again = api.request("POST", f"/streams/sendloanlink/{stream_id}")
    assert again.status_code == 200 and again.json()["id"] == sent.json()["id"], again.text
    assert shopper_email not in again.text

    shown = api.request("GET", f"/streams/{stream_id}", token=bob_token).json()
    assert shown["note"] == "Call back Monday" and [log["code"] for log in shown["logs"]] == [3]
    public = api.request("GET", f"/streams/{stream_id}").json()
    assert "note" not in public and "logs" not in public and public["dealer"] == {"firstName": "Dana"}
    wait_until(lambda: pusher_events(stack, "stream.accepted", f"private-stream-{stream_id}"),
               message="stream.accepted on the stream channel")
    wait_until(lambda: pusher_events(stack, "stream.stopped", f"private-organization-{organization['id']}"),
               message="stream.stopped on the organization channel")


def chat_answer_once_it_knows(api, stream_id: str, token: str):
    """Chat learns of streams through events: its 404 only means it has not heard of this one yet."""
    def answered():
        response = api.request("POST", f"/chat/{stream_id}", token=token, json={"message": "hi"})
        return None if response.status_code == 404 else [response]  # a 4xx Response is falsy
    return wait_until(answered, timeout=15, interval=0.3, message="chat to know the stream")[0]


def test_another_organizations_dealer_cannot_touch_the_stream(api, admin_token):
    organization = new_organization(api, admin_token)
    alice, alice_token = new_active_dealer(api, admin_token, organization["id"])
    _zed, zed_token = new_active_dealer(api, admin_token, new_organization(api, admin_token)["id"])
    stream = request_ringing(api, organization, dealers=1)
    stream_id = stream["id"]
    assert api.request("POST", f"/streams/accept/{stream_id}", token=alice_token).status_code == 200

    refused = {
        "stop": api.request("POST", f"/streams/stop/{stream_id}", token=zed_token),
        "read": api.request("GET", f"/streams/{stream_id}", token=zed_token),
        "log": api.request("POST", f"/streams/log/{stream_id}", token=zed_token, json={"type": "push", "code": 1}),
        "lead": api.request("POST", "/leads", token=zed_token, json={"streamId": stream_id, "phone": "555"}),
        "note": api.request("POST", f"/streams/note/{stream_id}", token=zed_token, json={"note": "mine"}),
        "loan link": api.request("POST", f"/streams/sendloanlink/{stream_id}", token=zed_token),
        # chat learns of the stream through events: a 404 only means it has not heard of it yet
        "chat": chat_answer_once_it_knows(api, stream_id, zed_token),
    }
    assert {action: (r.status_code, r.json()["error"]["code"]) for action, r in refused.items()} == \
        {action: (403, "not_your_stream") for action in refused}
    still = api.request("GET", f"/streams/{stream_id}", token=alice_token).json()
    assert (still["status"], still["logs"]) == ("streaming", [])


def test_the_loan_link_path_is_rate_limited_per_client_at_the_gateway(api):
    def ask(_n: int):
        return api.request("POST", f"/streams/sendloanlink/{uuid.uuid4()}")

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        responses = list(pool.map(ask, range(40)))
    codes = {response.json()["error"]["code"] for response in responses}
    limited = [response for response in responses if response.status_code == 429]
    assert limited, "40 simultaneous loan-link asks from one client were all let through"
    assert codes == {"rate_limited", "stream_not_found"}  # the rest reached the service
    # The limit is per client and refills: later tests (and shoppers) get through again.
    wait_until(lambda: ask(0).status_code == 404, timeout=10, interval=0.2, message="the limit to refill")


def test_the_shopper_authorizes_the_stream_channel_with_the_stream_token(api, admin_token, stack):
    organization = new_organization(api, admin_token)
    stream = request_ringing(api, organization, dealers=0)
    channel = f"private-stream-{stream['id']}"
    response = api.request("POST", "/socket/auth", data={"socket_id": "123.456", "channel_name": channel},
                           headers={"X-Stream-Token": stream["streamToken"]})
    assert response.status_code == 200, response.text
    secret = stack.environment["PUSHER_SECRET"].encode()
    signature = hmac.new(secret, f"123.456:{channel}".encode(), hashlib.sha256).hexdigest()
    assert response.json()["auth"] == f"{stack.environment['PUSHER_KEY']}:{signature}"
    refused = api.request("POST", "/socket/auth", data={"socket_id": "123.456", "channel_name": channel})
    assert refused.status_code == 403


def test_dealers_list_their_organizations_streams(api, admin_token):
    organization = new_organization(api, admin_token)
    _dealer, token = new_active_dealer(api, admin_token, organization["id"])
    created: list[dict] = []
    stream = request_ringing(api, organization, dealers=1, created=created)
    listed = api.request("GET", "/streams", token=token, params={"status": "requested"})
    assert listed.status_code == 200, listed.text
    # The stream that rang; tries made before the replica knew the dealer were missed at once.
    assert [s["id"] for s in listed.json()] == [stream["id"]]
    missed = api.request("GET", "/streams", token=token, params={"status": "missed"}).json()
    assert [s["id"] for s in missed] == [s["id"] for s in reversed(created[:-1])]
    assert {s["missedReason"] for s in missed} <= {"nobody_online"}
    assert stream is created[-1]
    assert api.request("GET", "/streams").status_code == 401


def test_bad_input_gets_json_errors_through_the_gateway(api):
    assert api.request("GET", f"/vin/{VIN}").json()["make"] == "Honda"
    bad_vin = api.request("GET", "/vin/123")
    assert bad_vin.status_code == 400 and bad_vin.json()["error"]["field"] == "vinId"
    no_vin = api.request("POST", f"/streams/request/{unique('nope')}", json={})
    assert no_vin.status_code == 400 and no_vin.json()["error"]["field"] == "vin"
    assert api.request("GET", "/streams/does-not-exist").status_code == 404
    assert api.request("POST", "/leads", json={"streamId": "x", "email": "nope"}).json()["error"]["field"] == "email"
