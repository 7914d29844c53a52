"""The stream lifecycle through its use cases, on in-memory adapters."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from dropin_common.errors import Conflict, Forbidden, NotFound
from dropin_streams.domain.tokens import sha256_hex
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.request_stream import RequestStream, request_stream
from dropin_streams.use_cases.stop_stream import end_overdue_streams, stop_stream
from dropin_streams.use_cases.stream_activity import record_ping

from .conftest import VIN, at, principal

RING = timedelta(seconds=60)
PING = timedelta(seconds=30)


def requested(uow, decoder, code="ACME", **fields):
    return request_stream(uow, decoder, RequestStream(organization_code=code, vin=VIN, **fields), at(0))


def streaming(uow, decoder, dealer="alice"):
    stream = requested(uow, decoder).stream
    return accept_stream(uow, principal(dealer), stream.id, at(5))


# --- request -----------------------------------------------------------------------------------

def test_request_creates_a_requested_stream_with_a_uuid7_id_and_decoded_vehicle(uow, decoder):
    result = requested(uow, decoder)
    stream = uow.streams.get(result.stream.id)
    assert stream.status == "requested" and stream.version == 1
    assert uuid.UUID(stream.id).version == 7  # unguessable, and tells its age to replicas
    assert (stream.vehicle.make, stream.vehicle.year, stream.vehicle.country) == ("Honda", 2003, "United States")
    assert stream.organization_name == "ACME Motors"


def test_request_stores_only_the_hash_of_the_stream_token(uow, decoder):
    result = requested(uow, decoder)
    assert result.stream_token and result.stream.token_hash == sha256_hex(result.stream_token)
    assert result.stream_token not in str(uow.outbox.sent)


def test_fields_sent_by_the_caller_win_over_decoded_ones(uow, decoder):
    stream = requested(uow, decoder, make="Acura", model="TSX", type="sedan").stream
    assert (stream.vehicle.make, stream.vehicle.model, stream.vehicle.type, stream.vehicle.year) == \
        ("Acura", "TSX", "sedan", 2003)


def test_a_vin_that_does_not_decode_still_gets_a_stream_described_by_the_caller(uow, decoder):
    result = request_stream(uow, decoder, RequestStream("ACME", vin="12321", make="Ford"), at(0))
    assert result.stream.vin == "12321" and result.stream.vehicle.make == "Ford"


def test_request_rings_the_organization_and_each_online_active_dealer(uow, decoder):
    result = requested(uow, decoder)
    assert result.notified_dealers == 2
    [message] = uow.outbox.pusher("stream.requested")
    assert sorted(message["channels"]) == ["private-dealer-alice", "private-dealer-bob",
                                           "private-organization-org-1"]
    assert message["data"]["id"] == result.stream.id
    [event] = uow.outbox.events("stream.requested")
    assert event["data"]["stream"]["status"] == "requested" and event["data"]["stream"]["version"] == 1


def test_request_with_no_dealer_online_is_stored_missed_at_once(uow, decoder):
    for account_id in ("alice", "bob"):
        uow.accounts.rows.pop(account_id)
    result = requested(uow, decoder)
    stored = uow.streams.get(result.stream.id)
    assert result.notified_dealers == 0
    assert (stored.status, stored.missed_reason) == ("missed", "nobody_online")
    assert uow.outbox.pusher() == []


def test_request_for_an_unknown_organization_is_not_found(uow, decoder):
    with pytest.raises(NotFound):
        requested(uow, decoder, code="NOPE")
    assert uow.streams.rows == {} and uow.outbox.sent == []


def test_request_for_an_inactive_organization_is_not_found(uow, decoder):
    from dataclasses import replace
    org = uow.organizations.rows["org-1"]
    uow.organizations.rows["org-1"] = replace(org, active=False)
    with pytest.raises(NotFound):
        requested(uow, decoder)


# --- accept ------------------------------------------------------------------------------------

def test_accept_makes_the_dealer_own_the_stream_and_stops_the_ringing(uow, decoder):
    stream = streaming(uow, decoder)
    assert stream.status == "streaming" and stream.dealer_id == "alice" and stream.accepted_at == at(5)
    assert stream.version == 2
    [message] = uow.outbox.pusher("stream.accepted")
    assert sorted(message["channels"]) == ["private-organization-org-1", f"private-stream-{stream.id}"]
    [event] = uow.outbox.events("stream.accepted")
    assert event["data"]["stream"]["dealer"] == {"id": "alice", "firstName": "Dee", "lastName": "Alice"}


def test_second_dealer_to_accept_gets_conflict(uow, decoder):
    stream = streaming(uow, decoder)
    with pytest.raises(Conflict):
        accept_stream(uow, principal("bob"), stream.id, at(6))
    assert uow.streams.get(stream.id).dealer_id == "alice"
    assert len(uow.outbox.events("stream.accepted")) == 1


@pytest.mark.parametrize("dealer", ["zed", "inactive-ivan", "stranger"])
def test_only_active_dealers_of_the_organization_may_accept(uow, decoder, dealer):
    stream = requested(uow, decoder).stream
    with pytest.raises(Forbidden):
        accept_stream(uow, principal(dealer), stream.id, at(5))
    assert uow.streams.get(stream.id).status == "requested"


def test_accepting_an_unknown_stream_is_not_found(uow):
    with pytest.raises(NotFound):
        accept_stream(uow, principal("alice"), "no-such-stream", at(5))


def test_an_ended_stream_cannot_be_accepted(uow, decoder):
    stream = requested(uow, decoder).stream
    stop_stream(uow, stream.id, None, at(3))
    with pytest.raises(Conflict):
        accept_stream(uow, principal("alice"), stream.id, at(5))


# --- stop --------------------------------------------------------------------------------------

def test_stopping_a_requested_stream_makes_it_missed_by_the_shopper(uow, decoder):
    stream = requested(uow, decoder).stream
    stopped = stop_stream(uow, stream.id, None, at(10)).stream
    assert (stopped.status, stopped.stopped_by, stopped.stopped_at) == ("missed", "shopper", at(10))
    assert stopped.duration_seconds is None


def test_stopping_a_streaming_stream_by_its_dealer_completes_it(uow, decoder):
    stream = streaming(uow, decoder)
    stopped = stop_stream(uow, stream.id, principal("alice"), at(65)).stream
    assert (stopped.status, stopped.stopped_by, stopped.duration_seconds) == ("completed", "dealer", 60)
    [event] = uow.outbox.events("stream.stopped")
    assert event["data"]["stream"]["durationSeconds"] == 60
    assert event["data"]["stream"]["stoppedBy"] == "dealer" and event["data"]["stream"]["version"] == 3
    [message] = uow.outbox.pusher("stream.stopped")
    assert sorted(message["channels"]) == ["private-organization-org-1", f"private-stream-{stream.id}"]


def test_stopped_by_records_who_really_stopped_it(uow, decoder):
    by_colleague = stop_stream(uow, streaming(uow, decoder).id, principal("bob"), at(9)).stream
    by_admin = stop_stream(uow, streaming(uow, decoder).id, principal("root", "admin", None), at(9)).stream
    assert (by_colleague.stopped_by, by_admin.stopped_by) == ("colleague", "admin")


def test_a_dealer_of_another_organization_cannot_stop_the_stream(uow, decoder):
    stream = streaming(uow, decoder)
    with pytest.raises(Forbidden) as refused:
        stop_stream(uow, stream.id, principal("zed", org_id="org-2"), at(9))
    assert refused.value.code == "not_your_stream"
    assert uow.streams.get(stream.id).status == "streaming" and uow.outbox.events("stream.stopped") == []


def test_stopping_an_ended_stream_again_changes_nothing_and_announces_nothing(uow, decoder):
    stream = streaming(uow, decoder)
    first = stop_stream(uow, stream.id, None, at(20)).stream
    second = stop_stream(uow, stream.id, principal("alice"), at(30)).stream
    assert second == first
    assert len(uow.outbox.events("stream.stopped")) == 1


def test_stopping_an_ended_stream_with_another_organizations_token_is_refused_too(uow, decoder):
    stream = streaming(uow, decoder)
    stop_stream(uow, stream.id, None, at(20))
    with pytest.raises(Forbidden):
        stop_stream(uow, stream.id, principal("zed", org_id="org-2"), at(30))


def test_stopping_an_unknown_stream_is_not_found(uow):
    with pytest.raises(NotFound):
        stop_stream(uow, "missing", None, at(1))


# --- the worker's timeouts ---------------------------------------------------------------------

def test_a_request_nobody_accepts_within_the_ring_timeout_is_missed(uow, decoder):
    stream = requested(uow, decoder).stream
    assert end_overdue_streams(uow, at(59), ring_timeout=RING, ping_timeout=PING) == []
    [ended] = end_overdue_streams(uow, at(61), ring_timeout=RING, ping_timeout=PING)
    assert (ended.id, ended.status, ended.stopped_by) == (stream.id, "missed", "system")
    [event] = uow.outbox.events("stream.stopped")
    assert event["data"]["stream"]["status"] == "missed"
    assert uow.outbox.pusher("stream.stopped")


def test_a_stream_whose_dealer_never_pinged_expires_after_the_ping_timeout_from_acceptance(uow, decoder):
    stream = streaming(uow, decoder)  # accepted at 5
    assert end_overdue_streams(uow, at(34), ring_timeout=RING, ping_timeout=PING) == []
    [ended] = end_overdue_streams(uow, at(36), ring_timeout=RING, ping_timeout=PING)
    assert (ended.id, ended.status, ended.stopped_by, ended.duration_seconds) == \
        (stream.id, "expired", "system", 31)


def test_pings_keep_a_stream_alive(uow, decoder):
    stream = streaming(uow, decoder)
    record_ping(uow, principal("alice"), at(30))
    assert end_overdue_streams(uow, at(59), ring_timeout=RING, ping_timeout=PING) == []
    [ended] = end_overdue_streams(uow, at(61), ring_timeout=RING, ping_timeout=PING)
    assert ended.id == stream.id and ended.status == "expired"


def test_a_ping_from_before_the_acceptance_does_not_shorten_the_stream(uow, decoder):
    record_ping(uow, principal("alice"), at(-100))
    streaming(uow, decoder)  # accepted at 5
    assert end_overdue_streams(uow, at(30), ring_timeout=RING, ping_timeout=PING) == []


def test_ended_streams_are_left_alone_by_the_worker(uow, decoder):
    stream = requested(uow, decoder).stream
    stop_stream(uow, stream.id, None, at(1))
    assert end_overdue_streams(uow, at(1000), ring_timeout=RING, ping_timeout=PING) == []
    assert len(uow.outbox.events("stream.stopped")) == 1


def test_stream_events_carry_exactly_the_snapshot_fields_of_the_event_contract(uow, decoder):
    streaming(uow, decoder)
    [event] = uow.outbox.events("stream.accepted")
    snapshot = event["data"]["stream"]
    assert set(snapshot) == {"id", "version", "organizationId", "organizationCode", "organizationName", "vin",
                             "vehicle", "status", "dealerId", "dealer", "requestedAt", "acceptedAt", "stoppedAt",
                             "stoppedBy", "note", "durationSeconds", "missedReason", "dealersRung"}
    assert set(snapshot["vehicle"]) == {"make", "model", "type", "year"}
    assert snapshot["requestedAt"].endswith("Z") and snapshot["acceptedAt"].endswith("Z")
