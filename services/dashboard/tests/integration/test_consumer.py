"""Events through RabbitMQ into the read models, by the real consumer process."""
import time
import uuid

import pytest
import sqlalchemy as sa

from dropin_common.auth import ROLE_ADMIN
from dropin_common.events import Event
from tests.payloads import account_payload, lead_payload, organization_payload, stream_payload

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("empty_read_models")]
DEALER = {"id": "acc-1", "firstName": "Minh", "lastName": "Tran"}


def calls(client, headers, **params):
    response = client.get("/dashboard/getcalls", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_stream_lifecycle_ends_as_one_completed_call(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000001"
    events = [
        publisher.publish("stream.requested", {"stream": stream_payload(stream_id, version=1)}),
        publisher.publish("stream.accepted", {"stream": stream_payload(
            stream_id, version=2, status="streaming", dealer=DEALER, accepted_at="2026-06-16T10:00:15Z")}),
        publisher.publish("stream.stopped", {"stream": stream_payload(
            stream_id, version=3, status="completed", dealer=DEALER, accepted_at="2026-06-16T10:00:15Z",
            stopped_at="2026-06-16T10:04:15Z", duration_seconds=240)}),
    ]
    probe.wait_handled(*events)
    [call] = calls(client, admin_headers)
    assert (call["id"], call["status"], call["durationSeconds"]) == (stream_id, "completed", 240)
    assert call["dealerName"] == "Minh Tran" and call["dealer"]["id"] == "acc-1"
    assert call["organizationName"] == "Sunrise Toyota"
    assert call["vehicle"] == {"make": "Toyota", "model": "Camry", "type": "Sedan", "year": 2012}
    assert call["requestedAt"] == "2026-06-16T10:00:00Z" and call["stoppedAt"] == "2026-06-16T10:04:15Z"


def test_stop_arriving_before_request_and_accept_still_ends_completed(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000002"
    stopped = publisher.publish("stream.stopped", {"stream": stream_payload(
        stream_id, version=3, status="completed", dealer=DEALER, stopped_at="2026-06-16T10:04:15Z")})
    probe.wait_handled(stopped)
    late = [publisher.publish("stream.requested", {"stream": stream_payload(stream_id, version=1)}),
            publisher.publish("stream.accepted", {"stream": stream_payload(
                stream_id, version=2, status="streaming", dealer=DEALER)})]
    probe.wait_handled(*late)
    [call] = calls(client, admin_headers)
    assert call["status"] == "completed" and call["stoppedAt"] == "2026-06-16T10:04:15Z"


def test_lead_arriving_before_its_stream_is_merged_onto_the_call(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000003"
    lead = publisher.publish("lead.created", {"lead": lead_payload(stream_id, first_name="Hoa")})
    probe.wait_handled(lead)
    assert calls(client, admin_headers) == []
    stream = publisher.publish("stream.stopped", {"stream": stream_payload(
        stream_id, version=3, status="missed", stopped_at="2026-06-16T10:01:00Z")})
    probe.wait_handled(stream)
    [call] = calls(client, admin_headers)
    assert (call["firstName"], call["lastName"], call["email"]) == ("Hoa", "Nguyen", "lan@example.com")
    [listed_lead] = client.get("/dashboard/getleads", headers=admin_headers).get_json()
    assert listed_lead["callStatus"] == "missed"


def test_lead_after_its_stream_fills_the_shopper(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000004"
    probe.wait_handled(publisher.publish("stream.stopped", {"stream": stream_payload(
        stream_id, version=3, status="completed")}))
    probe.wait_handled(publisher.publish("lead.created", {"lead": lead_payload(stream_id, phone="0909")}))
    [call] = calls(client, admin_headers)
    assert (call["firstName"], call["phone"]) == ("Lan", "0909")


def test_redelivered_event_is_applied_once(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000005"
    first = publisher.publish("lead.created", {"lead": lead_payload(stream_id, lead_id="lead-dup")})
    again = publisher.publish("lead.created", {"lead": lead_payload(stream_id, lead_id="lead-dup")},
                              event_id=first.id)
    marker = publisher.publish("stream.requested", {"stream": stream_payload(stream_id, version=1)})
    probe.wait_handled(first, marker)  # the queue is FIFO: the copy was delivered before the marker
    assert again.id == first.id
    assert probe.scalar("SELECT count(*) FROM inbox WHERE event_id = :id", id=first.id) == 1
    assert client.get("/dashboard/countlead", headers=admin_headers).get_json() == {"count": 1}


def test_organization_and_dealer_events_feed_the_organization_list(client, admin_headers, publisher, probe):
    events = [
        publisher.publish("organization.created", {"organization": organization_payload(
            "org-9", name="Harbor Kia", updated_at="2026-06-01T00:00:00Z")}),
        publisher.publish("organization.updated", {"organization": organization_payload(
            "org-9", name="Harbour Kia", updated_at="2026-06-03T00:00:00Z")}),
        publisher.publish("organization.updated", {"organization": organization_payload(
            "org-9", name="Stale Kia", updated_at="2026-06-02T00:00:00Z")}),  # older, arrives last
        publisher.publish("account.registered", {"account": account_payload(
            "acc-9", organization_id="org-9", status="inactive", updated_at="2026-06-01T00:00:00Z")}),
        publisher.publish("account.presence_changed", {"account": account_payload(
            "acc-9", organization_id="org-9", status="active", updated_at="2026-06-02T00:00:00Z")}),
        publisher.publish("account.registered", {"account": account_payload(
            "adm-9", organization_id="org-9", role=ROLE_ADMIN)}),
    ]
    probe.wait_handled(*events)
    response = client.get("/dashboard/getorganizations", headers=admin_headers, query_string={"name": "harbour"})
    [org] = response.get_json()
    assert (org["id"], org["name"], org["dealerCount"]) == ("org-9", "Harbour Kia", 1)
    assert org["dealers"][0]["id"] == "acc-9" and org["dealers"][0]["status"] == "active"
    assert "token" not in org and "tokenHash" not in org


def test_renamed_organization_is_found_by_its_new_name(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000006"
    events = [publisher.publish("stream.requested", {"stream": stream_payload(stream_id, organization_id="org-5")}),
              publisher.publish("organization.updated", {"organization": organization_payload(
                  "org-5", name="Galaxy Motors", updated_at="2026-06-20T00:00:00Z")})]
    probe.wait_handled(*events)
    [call] = calls(client, admin_headers, organizationName="galaxy")
    assert call["id"] == stream_id


def test_logout_event_revokes_the_token(client, make_token, publisher, probe):
    token = make_token(ROLE_ADMIN, account_id="adm-1", jti="jti-logout")
    headers = {"Authorization": f"JWT {token}"}
    assert client.get("/dashboard/countallcalllead", headers=headers).status_code == 200
    probe.wait_handled(publisher.publish("account.tokens_revoked", {
        "accountId": "adm-1", "jti": "jti-logout", "expiresAt": "2030-01-01T00:00:00Z"}))
    response = client.get("/dashboard/countallcalllead", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_revoked"


def test_password_change_event_revokes_older_tokens_only(client, make_token, publisher, probe):
    old = make_token(ROLE_ADMIN, account_id="adm-2", issued_at=time.time() - 60)
    probe.wait_handled(publisher.publish("account.tokens_revoked", {
        "accountId": "adm-2", "notBefore": time.time() - 30}))
    new = make_token(ROLE_ADMIN, account_id="adm-2")
    assert client.get("/dashboard/countcall", headers={"Authorization": f"JWT {old}"}).status_code == 401
    assert client.get("/dashboard/countcall", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_same_lead_in_two_events_is_one_lead_in_lists_and_counts(client, admin_headers, publisher, probe):
    stream_id = "3f1c2a9e-0000-4000-8000-000000000007"
    lead = lead_payload(stream_id, lead_id="lead-twice", created_at="2026-06-16T10:30:00Z")
    events = [publisher.publish("lead.created", {"lead": lead}), publisher.publish("lead.created", {"lead": lead}),
              publisher.publish("stream.requested", {"stream": stream_payload(stream_id, version=1)}),
              publisher.publish("stream.stopped", {"stream": stream_payload(stream_id, version=2, status="missed")})]
    probe.wait_handled(*events)
    day = {"from": "2026-06-16", "to": "2026-06-16"}
    assert client.get("/dashboard/countcalllead", headers=admin_headers, query_string=day).get_json() == \
        {"calls": 1, "leads": 1}
    assert client.get("/dashboard/countallcalllead", headers=admin_headers).get_json() == {"calls": 1, "leads": 1}


def test_an_admin_switched_off_by_an_account_event_loses_the_dashboard(client, tokens, publisher, probe):
    # The replica, fed by auth's events, decides: the admin token itself is still valid.
    token = tokens.issue("adm-off", ROLE_ADMIN, None)
    headers = {"Authorization": f"JWT {token}"}
    probe.wait_handled(publisher.publish("account.registered", {"account": account_payload(
        "adm-off", role=ROLE_ADMIN, organization_id=None, updated_at="2026-06-01T00:00:00Z")}))
    assert client.get("/dashboard/countallcalllead", headers=headers).status_code == 200

    probe.wait_handled(publisher.publish("account.updated", {"account": account_payload(
        "adm-off", role=ROLE_ADMIN, organization_id=None, status="inactive", updated_at="2026-06-02T00:00:00Z")}))
    inactive = client.get("/dashboard/countallcalllead", headers=headers)
    assert inactive.status_code == 403 and inactive.get_json()["error"]["code"] == "account_inactive"

    probe.wait_handled(publisher.publish("account.updated", {"account": account_payload(
        "adm-off", role="dealer", organization_id="org-1", updated_at="2026-06-03T00:00:00Z")}))
    demoted = client.get("/dashboard/countallcalllead", headers=headers)
    assert demoted.status_code == 403 and demoted.get_json()["error"]["code"] == "forbidden_role"


def test_a_correctly_signed_token_for_an_account_never_heard_of_is_a_401(client, tokens):
    response = client.get("/dashboard/countallcalllead",
                          headers={"Authorization": f"JWT {tokens.issue('nobody-here', ROLE_ADMIN, None)}"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unknown_account"


def test_a_stream_snapshot_is_applied_in_few_statements(container, client, admin_headers):
    """Beside the ring path, every statement of the consumer costs CPU the next shopper may wait
    for (tools/bench_consumers.py). A snapshot: inbox, locks, version, organization, leads' status,
    the shopper, the call (read before and after in the same statement), counters, progress."""
    processor = container.consumer().processor
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)
    sa.event.listen(container.engine, "before_cursor_execute", record)
    stream_id = "3f1c2a9e-0000-4000-8000-000000000100"
    try:
        for version, (event_type, status) in enumerate(
                (("stream.requested", "requested"), ("stream.accepted", "streaming"),
                 ("stream.stopped", "completed")), start=1):
            statements.clear()
            envelope = {"id": str(uuid.uuid4()), "type": event_type, "version": 1,
                        "occurredAt": "2026-06-16T10:05:00Z",
                        "data": {"stream": stream_payload(stream_id, version=version, status=status,
                                                          dealer=DEALER if version > 1 else None)}}
            assert processor.process(Event.from_envelope(envelope)) == "handled"
            assert len(statements) <= 9, "\n\n".join(statements)
    finally:
        sa.event.remove(container.engine, "before_cursor_execute", record)
    [call] = calls(client, admin_headers)
    assert (call["id"], call["status"]) == (stream_id, "completed")
    assert client.get("/dashboard/countcall", headers=admin_headers,
                      query_string={"status": "completed"}).get_json() == {"count": 1}
