"""Chat through nginx: a shopper's stream, messages from both sides, history, real-time delivery."""
import uuid

from dropin_common.testing import wait_until

from tests.e2e.helpers import new_active_dealer, new_organization, request_ringing

VIN = "1HGCM82633A004352"


def request_stream(api, organization) -> dict:
    response = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN})
    assert response.status_code == 201, response.text
    return response.json()


def test_shopper_chats_right_after_requesting_and_reads_the_history_oldest_first(api, admin_token, stack):
    stream = request_stream(api, new_organization(api, admin_token))

    # Posted at once: chat may not have heard of the stream yet, and must wait rather than 404.
    first = api.request("POST", f"/chat/{stream['id']}", json={"from": "Jane", "message": "Hi there!"})
    second = api.request("POST", f"/chat/{stream['id']}", json={"message": "Is it still for sale?"})
    assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)

    history = api.request("GET", f"/chat/{stream['id']}", params={"start": 0, "limit": 10})
    assert history.status_code == 200, history.text
    body = history.json()
    assert [m["message"] for m in body["messages"]] == ["Hi there!", "Is it still for sale?"]
    assert [m["from"] for m in body["messages"]] == ["Jane", "shopper"]
    assert body["total"] == 2

    def delivered():
        return [event for event in stack.pusher.events_named("chat.message")
                if event.channels == (f"private-stream-{stream['id']}",)]
    pushed = wait_until(lambda: len(delivered()) == 2 and delivered(), message="chat.message on Pusher")
    assert sorted(event.data["id"] for event in pushed) == sorted([first.json()["id"], second.json()["id"]])


def test_dealer_who_accepted_writes_as_itself_and_nobody_else_can(api, admin_token):
    organization = new_organization(api, admin_token)
    dealer, dealer_token = new_active_dealer(api, admin_token, organization["id"])
    _other, other_token = new_active_dealer(api, admin_token, organization["id"])
    stream = request_ringing(api, organization, dealers=2)
    accepted = api.request("POST", f"/streams/accept/{stream['id']}", token=dealer_token)
    assert accepted.status_code == 200, accepted.text

    mine = api.request("POST", f"/chat/{stream['id']}", token=dealer_token,
                       json={"from": dealer["id"], "message": "Hello, I'm by the car."})
    impostor = api.request("POST", f"/chat/{stream['id']}", json={"from": dealer["id"], "message": "hi"})
    colleague = api.request("POST", f"/chat/{stream['id']}", token=other_token, json={"message": "hi"})

    assert mine.status_code == 201, mine.text
    assert mine.json()["from"] == dealer["id"]
    assert impostor.status_code == 403 and impostor.json()["error"]["field"] == "from"
    assert colleague.status_code == 403


def test_chat_refuses_bad_input_and_unknown_streams_with_json_errors(api, admin_token):
    stream = request_stream(api, new_organization(api, admin_token))

    empty = api.request("POST", f"/chat/{stream['id']}", json={"message": ""})
    too_long = api.request("POST", f"/chat/{stream['id']}", json={"message": "x" * 4001})
    bad_limit = api.request("GET", f"/chat/{stream['id']}", params={"limit": 0})
    unknown = api.request("POST", f"/chat/{uuid.uuid4()}", json={"message": "hello?"})
    no_key = api.request("GET", f"/chat/{stream['id']}", api_key=None)

    assert (empty.status_code, empty.json()["error"]["field"]) == (400, "message")
    assert (too_long.status_code, too_long.json()["error"]["field"]) == (400, "message")
    assert (bad_limit.status_code, bad_limit.json()["error"]["field"]) == (400, "limit")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "stream_not_found")
    assert no_key.status_code == 401 and no_key.json()["error"]
