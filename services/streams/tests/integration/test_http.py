"""Every endpoint through the Flask test client on the real database: answers and JSON errors."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import replace

import pytest

from dropin_common.timeutil import utcnow
from dropin_streams.entrypoints.http import create_app

from .conftest import ORG_TOKEN, PUSHER, outbox_rows, seed_dealer, seed_organization

VIN = "1HGCM82633A004352"


@pytest.fixture
def client(container):
    seed_organization(container)
    seed_organization(container, "org-2", "OTHER")
    seed_dealer(container, "alice")
    seed_dealer(container, "bob")
    seed_dealer(container, "zed", org_id="org-2")
    return create_app(container).test_client()


@pytest.fixture
def auth(issue_token):
    def headers(account_id, role="dealer", org="org-1"):
        return {"Authorization": f"JWT {issue_token(account_id, role, org)}"}
    return headers


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()["error"]


def new_stream(client, **body):
    response = client.post("/streams/request/ACME", json={"vin": VIN, **body})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def ended_stream(client, auth):
    stream = new_stream(client)
    client.post(f"/streams/accept/{stream['id']}", headers=auth("alice"))
    client.post(f"/streams/stop/{stream['id']}", headers=auth("alice"))
    return stream


# --- request / get -----------------------------------------------------------------------------

def test_request_answers_the_stream_its_token_and_how_many_dealers_ring(client):
    body = new_stream(client, model="Accord")
    assert body["status"] == "requested" and body["notifiedDealers"] == 2
    assert body["vehicle"]["make"] == "Honda" and body["vehicle"]["model"] == "Accord"
    assert body["streamToken"] and body["requestedAt"].endswith("Z")
    assert "tokenHash" not in body and "token_hash" not in json.dumps(body)


@pytest.mark.parametrize("body", [{}, {"vin": "   "}, {"vin": None}, {"vin": ["x"]}, {"vin": "X" * 40},
                                  {"vin": "1HGCM826\x0033A004352"}])
def test_request_without_a_usable_vin_is_a_400_naming_vin(client, body):
    assert error_of(client.post("/streams/request/ACME", json=body), 400)["field"] == "vin"


def test_request_with_a_broken_body_is_a_400(client):
    response = client.post("/streams/request/ACME", data="{", content_type="application/json")
    assert error_of(response, 400)["code"] == "invalid_json"


def test_request_for_an_unknown_organization_is_a_404(client):
    assert error_of(client.post("/streams/request/NOPE", json={"vin": VIN}), 404)["code"] == "organization_not_found"


def test_a_request_waits_briefly_for_an_organization_auth_has_just_created(container):
    patient = replace(container, settings=replace(container.settings, replica_grace_seconds=5.0))
    client = create_app(patient).test_client()
    seeding = threading.Timer(0.5, seed_organization, args=(container, "org-new", "FRESH"))
    seeding.start()
    response = client.post("/streams/request/FRESH", json={"vin": VIN})
    seeding.join()
    assert response.status_code == 201 and response.get_json()["organizationId"] == "org-new"


def test_a_burst_of_unknown_organization_codes_waits_in_a_bounded_number_of_threads(container):
    # 100 such requests once held 100 threads for 2 s each and starved the dealers' pings.
    patient = replace(container, settings=replace(container.settings, replica_grace_seconds=3.0, replica_waiters=1))
    client = create_app(patient).test_client()
    answers = []

    def request_unknown(n):
        started = time.monotonic()
        response = client.post(f"/streams/request/NOPE{n}", json={"vin": VIN})
        answers.append((response.status_code, response.get_json()["error"]["code"],
                        response.headers.get("Retry-After"), time.monotonic() - started))
    burst = [threading.Thread(target=request_unknown, args=(n,)) for n in range(8)]
    for thread in burst:
        thread.start()
    for thread in burst:
        thread.join(30)

    waited = [answer for answer in answers if answer[3] >= 3.0]
    assert len(answers) == 8 and len(waited) <= 1
    assert all(answer[:3] == (404, "organization_not_found", None) for answer in waited)
    assert all(answer[:3] == (503, "replica_behind", "1") for answer in answers if answer not in waited)


def test_get_shows_the_organization_the_stream_with_logs_and_note_but_never_the_token(client, auth):
    stream = new_stream(client)
    body = client.get(f"/streams/{stream['id']}", headers=auth("bob")).get_json()
    assert body["id"] == stream["id"] and body["logs"] == [] and body["note"] is None
    assert "streamToken" not in body and "tokenHash" not in body


SHOPPER_FIELDS = {"id", "organizationCode", "organizationName", "vin", "vehicle", "status", "dealer",
                  "requestedAt", "acceptedAt", "stoppedAt", "missedReason"}


def test_without_the_organizations_token_get_shows_only_what_the_shopper_needs(client, auth):
    stream = ended_stream(client, auth)
    client.post(f"/streams/log/{stream['id']}", json={"type": "pusher", "code": 3})
    client.post(f"/streams/note/{stream['id']}", json={"note": "Credit looks weak"}, headers=auth("alice"))
    client.post("/leads", json={"streamId": stream["id"], "firstName": "Sam", "email": "sam@example.com"})
    body = client.get(f"/streams/{stream['id']}").get_json()
    assert set(body) == SHOPPER_FIELDS
    assert (body["status"], body["dealer"], body["vehicle"]["make"]) == ("completed", {"firstName": "Dee"}, "Honda")
    assert "Credit looks weak" not in json.dumps(body) and "sam@example.com" not in json.dumps(body)
    full = client.get(f"/streams/{stream['id']}", headers=auth("alice")).get_json()
    assert full["note"] == "Credit looks weak" and [log["code"] for log in full["logs"]] == [3]


@pytest.mark.parametrize("action", ["get", "stop", "note", "log", "sendloanlink", "leads"])
def test_a_token_of_another_organization_is_refused_on_every_stream_action(client, container, auth, action):
    stream = ended_stream(client, auth)
    client.post("/leads", json={"streamId": stream["id"], "email": "sam@example.com"})
    zed = auth("zed", org="org-2")
    calls = {"get": lambda: client.get(f"/streams/{stream['id']}", headers=zed),
             "stop": lambda: client.post(f"/streams/stop/{stream['id']}", headers=zed),
             "note": lambda: client.post(f"/streams/note/{stream['id']}", json={"note": "x"}, headers=zed),
             "log": lambda: client.post(f"/streams/log/{stream['id']}", json={"type": "push", "code": 1},
                                        headers=zed),
             "sendloanlink": lambda: client.post(f"/streams/sendloanlink/{stream['id']}", headers=zed),
             "leads": lambda: client.post("/leads", json={"streamId": stream["id"], "phone": "1"}, headers=zed)}
    assert error_of(calls[action](), 403)["code"] == "not_your_stream"
    assert outbox_rows(container, "email") == []
    assert len(outbox_rows(container, "broker", "lead.created")) == 1


def test_get_of_an_unknown_stream_is_a_404(client):
    assert error_of(client.get("/streams/does-not-exist"), 404)["code"] == "stream_not_found"


# --- accept / stop -----------------------------------------------------------------------------

def test_accept_needs_a_login(client):
    stream = new_stream(client)
    assert error_of(client.post(f"/streams/accept/{stream['id']}"), 401)["code"] == "authentication_required"


def test_accept_by_an_admin_or_another_organizations_dealer_is_forbidden(client, auth):
    stream = new_stream(client)
    error_of(client.post(f"/streams/accept/{stream['id']}", headers=auth("root", "admin", None)), 403)
    error_of(client.post(f"/streams/accept/{stream['id']}", headers=auth("zed", org="org-2")), 403)


def test_first_accept_wins_and_the_second_dealer_gets_409(client, auth):
    stream = new_stream(client)
    first = client.post(f"/streams/accept/{stream['id']}", headers=auth("alice"))
    assert first.status_code == 200 and first.get_json()["dealer"]["id"] == "alice"
    assert error_of(client.post(f"/streams/accept/{stream['id']}", headers=auth("bob")), 409)["code"] == \
        "stream_not_requested"


def test_accept_of_an_unknown_stream_is_a_404(client, auth):
    error_of(client.post("/streams/accept/nope", headers=auth("alice")), 404)


def test_stop_is_idempotent_and_announced_once(client, container, auth):
    stream = new_stream(client)
    client.post(f"/streams/accept/{stream['id']}", headers=auth("alice"))
    first = client.post(f"/streams/stop/{stream['id']}", headers=auth("alice"))
    again = client.post(f"/streams/stop/{stream['id']}", headers=auth("bob"))
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert (first.get_json()["status"], first.get_json()["stoppedBy"]) == ("completed", "dealer")
    assert len(outbox_rows(container, "broker", "stream.stopped")) == 1


def test_a_shopper_stopping_gets_the_shoppers_view_and_is_recorded_as_the_shopper(client, auth):
    stream = new_stream(client)
    client.post(f"/streams/accept/{stream['id']}", headers=auth("alice"))
    body = client.post(f"/streams/stop/{stream['id']}").get_json()
    assert set(body) == SHOPPER_FIELDS and body["status"] == "completed"
    assert client.get(f"/streams/{stream['id']}", headers=auth("alice")).get_json()["stoppedBy"] == "shopper"


def test_stop_of_an_unknown_stream_is_a_404(client):
    error_of(client.post("/streams/stop/nope"), 404)


def test_stop_with_a_garbage_token_is_a_401(client):
    stream = new_stream(client)
    error_of(client.post(f"/streams/stop/{stream['id']}", headers={"Authorization": "JWT nonsense"}), 401)


# --- list --------------------------------------------------------------------------------------

def test_a_dealer_lists_only_their_organizations_streams(client, auth):
    mine = new_stream(client)
    client.post("/streams/request/OTHER", json={"vin": VIN})
    listed = client.get("/streams", headers=auth("bob")).get_json()
    assert [s["id"] for s in listed] == [mine["id"]]
    assert len(client.get("/streams", headers=auth("root", "admin", None)).get_json()) == 2


def test_list_filters_by_status_from_plain_params_or_the_query_json(client, auth):
    done = ended_stream(client, auth)
    new_stream(client)
    plain = client.get("/streams?status=completed,expired", headers=auth("bob")).get_json()
    as_json = client.get("/streams", query_string={"query": json.dumps({"status": "completed"})},
                         headers=auth("bob")).get_json()
    assert [s["id"] for s in plain] == [s["id"] for s in as_json] == [done["id"]]


@pytest.mark.parametrize("query, field", [("status=lost", "status"), ("limit=101", "limit"),
                                          ("skip=-1", "skip"), ("query=%7Bbad", "query"),
                                          (f"skip={2 ** 63}", "skip"), ("limit=", "limit"), ("skip=", "skip")])
def test_list_refuses_bad_filters_naming_the_field(client, auth, query, field):
    assert error_of(client.get(f"/streams?{query}", headers=auth("bob")), 400)["field"] == field


def test_list_needs_a_login(client):
    error_of(client.get("/streams"), 401)


# --- ping / log / note -------------------------------------------------------------------------

def test_ping_records_the_dealers_heartbeat(client, container, auth):
    body = client.post("/ping", headers=auth("alice")).get_json()
    assert body["dealerId"] == "alice" and body["pingedAt"].endswith("Z")
    with container.uow() as uow:
        assert uow.pings.last_ping("alice") is not None


def test_ping_is_for_dealers_only(client, auth):
    error_of(client.post("/ping"), 401)
    error_of(client.post("/ping", headers=auth("root", "admin", None)), 403)


def test_logs_are_stored_and_shown_on_the_stream(client, auth):
    stream = new_stream(client)
    response = client.post(f"/streams/log/{stream['id']}", json={"type": "pusher", "code": 3})
    assert response.status_code == 201
    logs = client.get(f"/streams/{stream['id']}", headers=auth("bob")).get_json()["logs"]
    assert [(log["type"], log["code"]) for log in logs] == [("pusher", 3)] and logs[0]["at"].endswith("Z")


@pytest.mark.parametrize("body, field", [({"type": "sms", "code": 1}, "type"), ({"type": "push", "code": "x"}, "code"),
                                         ({"type": "push"}, "code"), ({"type": "push", "code": 2 ** 31}, "code")])
def test_bad_logs_are_400_naming_the_field(client, body, field):
    stream = new_stream(client)
    assert error_of(client.post(f"/streams/log/{stream['id']}", json=body), 400)["field"] == field


def test_log_for_an_unknown_stream_is_a_404(client):
    error_of(client.post("/streams/log/nope", json={"type": "push", "code": 1}), 404)


def test_a_note_waits_for_the_stream_to_end(client, auth):
    stream = new_stream(client)
    response = client.post(f"/streams/note/{stream['id']}", json={"note": "x"}, headers=auth("root", "admin", None))
    assert error_of(response, 409)["code"] == "stream_not_ended"


def test_a_note_is_added_then_edited(client, container, auth):
    stream = ended_stream(client, auth)
    client.post(f"/streams/note/{stream['id']}", json={"note": "first"}, headers=auth("alice"))
    body = client.post(f"/streams/note/{stream['id']}", json={"note": "second"},
                       headers=auth("root", "admin", None)).get_json()
    assert body["note"] == "second"
    assert client.get(f"/streams/{stream['id']}", headers=auth("alice")).get_json()["note"] == "second"
    assert len(outbox_rows(container, "broker", "stream.noted")) == 2


def test_a_note_needs_its_text_and_the_streams_dealer_or_an_admin(client, container, auth):
    stream = ended_stream(client, auth)
    note = f"/streams/note/{stream['id']}"
    assert error_of(client.post(note, json={}, headers=auth("alice")), 400)["field"] == "note"
    assert error_of(client.post(note, json={"note": "x"}), 401)["code"] == "authentication_required"
    assert error_of(client.post(note, json={"note": "x"}, headers=auth("bob")), 403)["code"] == "not_stream_dealer"
    error_of(client.post(note, json={"note": "x"}, headers=auth("zed", org="org-2")), 403)
    assert outbox_rows(container, "broker", "stream.noted") == []


# --- leads / loan link -------------------------------------------------------------------------

def test_a_lead_is_created_for_a_stream(client, container):
    stream = new_stream(client)
    response = client.post("/leads", json={"streamId": stream["id"], "firstName": "Sam", "email": "sam@example.com",
                                           "comment": "nice"})
    assert response.status_code == 201
    lead = response.get_json()
    assert lead["streamId"] == stream["id"] and lead["vehicle"]["make"] == "Honda"
    [event] = outbox_rows(container, "broker", "lead.created")
    assert event.payload["data"]["lead"]["organizationName"] == "ACME Motors"


def test_blank_form_fields_of_a_lead_mean_absent(client):
    stream = new_stream(client)
    response = client.post("/leads", data={"streamId": stream["id"], "email": "", "firstName": " Sam ", "phone": ""})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert (response.get_json()["firstName"], response.get_json()["email"]) == ("Sam", None)


def test_a_lead_by_organization_token_and_vin(client):
    response = client.post("/leads", json={"organizationToken": ORG_TOKEN, "vinId": VIN, "phone": "555"})
    assert response.status_code == 201 and response.get_json()["vin"] == VIN


@pytest.mark.parametrize("body, status, field", [
    ({"streamId": "x", "email": "not-an-email"}, 400, "email"),
    ({"organizationToken": ORG_TOKEN, "vinId": VIN}, 400, "firstName,lastName,email,phone"),
    ({"email": "a@b.example"}, 400, "streamId"),
])
def test_bad_leads_are_400_naming_the_fields(client, body, status, field):
    assert error_of(client.post("/leads", json=body), status)["field"] == field


def test_a_lead_for_an_unknown_stream_is_404_and_a_wrong_token_401(client):
    error_of(client.post("/leads", json={"streamId": "nope", "phone": "1"}), 404)
    error_of(client.post("/leads", json={"organizationToken": "guess", "vinId": VIN, "phone": "1"}), 401)


@pytest.mark.parametrize("body, field", [
    ({"firstName": "Visit evil.com"}, "firstName"), ({"lastName": "Sam\u200b"}, "lastName"),
    ({"firstName": "x" * 51}, "firstName"), ({"lastName": "Call 555-0100"}, "lastName"),
])
def test_lead_names_that_are_not_names_are_400_naming_the_field(client, body, field):
    stream = new_stream(client)
    error = error_of(client.post("/leads", json={"streamId": stream["id"], "email": "sam@example.com", **body}), 400)
    assert (error["code"], error["field"]) == ("invalid_name", field)


def test_the_loan_link_is_queued_for_mail_after_the_stream(client, container, auth):
    stream = ended_stream(client, auth)
    assert error_of(client.post(f"/streams/sendloanlink/{stream['id']}"), 409)["code"] == "no_lead_email"
    client.post("/leads", json={"streamId": stream["id"], "email": "sam@example.com"})
    response = client.post(f"/streams/sendloanlink/{stream['id']}", headers=auth("alice"))
    assert response.status_code == 202
    assert response.get_json()["to"] == "sam@example.com"
    [row] = outbox_rows(container, "email")
    assert row.payload["messageId"] == response.get_json()["id"]


def test_the_loan_link_answer_without_the_dealers_token_does_not_echo_the_address(client, container, auth):
    stream = ended_stream(client, auth)
    client.post("/leads", json={"streamId": stream["id"], "firstName": "Sam", "email": "sam@example.com"})
    response = client.post(f"/streams/sendloanlink/{stream['id']}")
    assert response.status_code == 202, response.get_data(as_text=True)
    assert "sam@example.com" not in response.get_data(as_text=True)
    assert "Sam" not in response.get_json()["body"]
    [row] = outbox_rows(container, "email")
    assert (row.payload["to"], row.payload["messageId"]) == ("sam@example.com", response.get_json()["id"])


def test_the_loan_link_is_one_mail_per_lead_and_at_most_three_addresses(client, container, auth):
    stream = ended_stream(client, auth)
    send = f"/streams/sendloanlink/{stream['id']}"
    ids = []
    for n in range(3):
        client.post("/leads", json={"streamId": stream["id"], "email": f"shopper{n}@example.com"})
        first, again = client.post(send), client.post(send)
        assert (first.status_code, again.status_code) == (202, 200)
        assert first.get_json() == again.get_json()
        ids.append(first.get_json()["id"])
    client.post("/leads", json={"streamId": stream["id"], "email": "fourth@example.com"})
    assert error_of(client.post(send), 429)["code"] == "loan_link_limit"
    assert error_of(client.post(send, headers=auth("alice")), 429)["code"] == "loan_link_limit"
    assert [row.payload["messageId"] for row in outbox_rows(container, "email")] == ids


def test_with_a_token_only_the_streams_dealer_or_an_admin_sends_the_loan_link(client, container, auth):
    stream = ended_stream(client, auth)
    client.post("/leads", json={"streamId": stream["id"], "email": "sam@example.com"})
    refused = client.post(f"/streams/sendloanlink/{stream['id']}", headers=auth("bob"))
    assert error_of(refused, 403)["code"] == "not_stream_dealer"
    assert outbox_rows(container, "email") == []
    admin = client.post(f"/streams/sendloanlink/{stream['id']}", headers=auth("root", "admin", None))
    assert admin.status_code == 202 and admin.get_json()["to"] == "sam@example.com"


def test_concurrent_loan_link_asks_queue_a_single_mail(client, container, auth):
    stream = ended_stream(client, auth)
    client.post("/leads", json={"streamId": stream["id"], "email": "sam@example.com"})
    app = create_app(container)
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def ask():
        with app.test_client() as own:
            barrier.wait()
            statuses.append(own.post(f"/streams/sendloanlink/{stream['id']}").status_code)
    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [202]
    assert len(outbox_rows(container, "email")) == 1


def test_the_loan_link_for_a_live_stream_is_a_409(client):
    stream = new_stream(client)
    assert error_of(client.post(f"/streams/sendloanlink/{stream['id']}"), 409)["code"] == "stream_not_ended"


# --- vin ---------------------------------------------------------------------------------------

def test_vin_decodes(client):
    body = client.get(f"/vin/{VIN}").get_json()
    assert (body["vin"], body["make"], body["year"], body["checksumValid"]) == (VIN, "Honda", 2003, True)
    assert body["country"] == "United States"


def test_a_malformed_vin_is_a_400_with_the_reason(client):
    error = error_of(client.get("/vin/123"), 400)
    assert error["field"] == "vinId" and "17" in error["message"]


# --- socket auth -------------------------------------------------------------------------------

def expected_signature(socket_id: str, channel: str, channel_data: str | None = None) -> str:
    to_sign = f"{socket_id}:{channel}" + (f":{channel_data}" if channel_data else "")
    digest = hmac.new(PUSHER["secret"].encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{PUSHER['key']}:{digest}"


def test_socket_auth_signs_exactly_as_pusher_expects_for_a_form_post(client, auth):
    response = client.post("/socket/auth", data={"socket_id": "123.456", "channel_name": "private-organization-org-1"},
                           headers=auth("alice"))
    assert response.status_code == 200
    assert response.get_json()["auth"] == expected_signature("123.456", "private-organization-org-1")


def test_the_shopper_authorizes_the_stream_channel_with_its_token_header(client):
    stream = new_stream(client)
    channel = f"private-stream-{stream['id']}"
    response = client.post("/socket/auth", json={"socket_id": "1.2", "channel_name": channel},
                           headers={"X-Stream-Token": stream["streamToken"]})
    assert response.get_json()["auth"] == expected_signature("1.2", channel)
    error_of(client.post("/socket/auth", json={"socket_id": "1.2", "channel_name": channel, "streamToken": "no"}), 403)


def test_presence_channels_carry_the_dealers_name(client, auth):
    body = client.post("/socket/auth", data={"socket_id": "1.2", "channel_name": "presence-organization-org-1"},
                       headers=auth("bob")).get_json()
    assert json.loads(body["channel_data"]) == {"user_id": "bob", "user_info": {"name": "Dee bob"}}
    assert body["auth"] == expected_signature("1.2", "presence-organization-org-1", body["channel_data"])


@pytest.mark.parametrize("form, status", [
    ({"socket_id": "1.2", "channel_name": "private-dealer-bob"}, 403),
    ({"socket_id": "1.2", "channel_name": "private-organization-org-2"}, 403),
    ({"socket_id": "1.2", "channel_name": "some-public-channel"}, 403),
    ({"channel_name": "private-dealer-alice"}, 400),
    ({"socket_id": "not a socket", "channel_name": "private-dealer-alice"}, 400),
])
def test_socket_auth_refusals(client, auth, form, status):
    error_of(client.post("/socket/auth", data=form, headers=auth("alice")), status)


def test_organization_channels_need_a_login(client):
    error_of(client.post("/socket/auth", data={"socket_id": "1.2", "channel_name": "private-organization-org-1"}), 401)


def test_health_and_readiness(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").get_json()["status"] == "ready"


# --- no dead air: business hours, presence, availability (issue 13) ---------------------------

def set_hours(container, **hours):
    with container.uow() as uow:
        organization = uow.organizations.by_code("ACME")
        uow.organizations.save_if_newer(replace(organization, updated_at=utcnow(), **hours))
        uow.commit()


CLOSED_ALL_WEEK_BUT_A_MINUTE = {"timezone": "Asia/Tokyo", "holidays": [],
                                "business_hours": {"mon": [["03:00", "03:01"]]}}


def test_a_closed_organization_is_answered_missed_at_once_with_its_next_opening(client, container):
    set_hours(container, **CLOSED_ALL_WEEK_BUT_A_MINUTE)
    response = client.post("/streams/request/ACME", json={"vin": VIN})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["missedReason"], body["notifiedDealers"], body["dealersRung"]) == \
        ("missed", "closed", 0, 0)
    assert body["nextOpenAt"].endswith("T03:00:00+09:00") and body["streamToken"]
    assert [row.topic for row in outbox_rows(container, "broker")] == ["stream.requested", "stream.stopped"]
    assert outbox_rows(container, "pusher") == [] and outbox_rows(container, "beams") == []
    assert client.get(f"/streams/{body['id']}").get_json()["missedReason"] == "closed"


def test_nobody_online_is_answered_missed_at_once(client, container):
    response = client.post("/streams/request/OTHER", json={"vin": VIN})  # org-2's zed is online...
    assert response.get_json()["status"] == "requested"
    with container.engine.begin() as conn:  # ...until auth says otherwise
        conn.execute(container.tables["accounts"].update().values(account_status="offline"))
    body = client.post("/streams/request/OTHER", json={"vin": VIN}).get_json()
    assert (body["status"], body["missedReason"], body["notifiedDealers"]) == ("missed", "nobody_online", 0)
    assert "nextOpenAt" not in body


def test_a_dealer_who_stopped_pinging_no_longer_rings(client, container, auth):
    stale = container.clock() - container.settings.presence_timeout - container.settings.presence_timeout
    with container.engine.begin() as conn:
        conn.execute(container.tables["accounts"].update().values(updated_at=stale))
    assert client.post("/ping", headers=auth("bob")).status_code == 200
    body = new_stream(client)
    assert body["notifiedDealers"] == 1 and body["dealersRung"] == 1
    [ring] = [row for row in outbox_rows(container, "pusher", "stream.requested")]
    assert "private-dealer-bob" in ring.payload["channels"] and "private-dealer-alice" not in ring.payload["channels"]


def test_availability_says_open_and_how_many_dealers_are_online(client, container):
    assert client.get("/streams/availability/ACME").get_json() == {
        "open": True, "dealersOnline": 2, "nextOpenAt": None}
    set_hours(container, **CLOSED_ALL_WEEK_BUT_A_MINUTE)
    closed = client.get("/streams/availability/ACME").get_json()
    assert closed["open"] is False and closed["dealersOnline"] == 2
    assert closed["nextOpenAt"].endswith("T03:00:00+09:00")
    assert error_of(client.get("/streams/availability/NOPE"), 404)["code"] == "organization_not_found"
