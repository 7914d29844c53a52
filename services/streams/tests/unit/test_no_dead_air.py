"""No dead air: a request that cannot ring anybody (closed, nobody really online) is answered
missed at once; one that rings also pushes to phones, and the others hear when it stops ringing."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from dropin_common.errors import NotFound
from dropin_streams.domain.availability import Presence
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.availability import check_availability
from dropin_streams.use_cases.push import NO_LONGER_RINGING, RINGING
from dropin_streams.use_cases.request_stream import RequestStream, Ringing, request_stream
from dropin_streams.use_cases.stop_stream import end_overdue_streams, stop_stream
from dropin_streams.use_cases.stream_activity import record_ping

from .conftest import T0, VIN, at, principal

# T0 is Friday 2026-05-01 12:00 UTC: 08:00 in New York.
NEW_YORK_9_TO_6 = {"tz": "America/New_York", "hours": {day: [["09:00", "18:00"]] for day in
                                                       ("mon", "tue", "wed", "thu", "fri")}}
RINGING_60S = Ringing(ring_timeout=timedelta(seconds=60), presence=Presence(timedelta(seconds=120)))


def set_hours(uow, org_id="org-1", tz="UTC", hours=None, holidays=()):
    organization = uow.organizations.rows[org_id]
    uow.organizations.rows[org_id] = replace(organization, timezone=tz, business_hours=hours or {},
                                             holidays=list(holidays))


def request(uow, decoder, when=0.0):
    return request_stream(uow, decoder, RequestStream("ACME", VIN), at(when), RINGING_60S)


def test_a_closed_organization_answers_missed_closed_with_its_next_opening(uow, decoder):
    set_hours(uow, tz=NEW_YORK_9_TO_6["tz"], hours=NEW_YORK_9_TO_6["hours"])
    result = request(uow, decoder)
    assert (result.stream.status, result.stream.missed_reason) == ("missed", "closed")
    assert result.notified_dealers == 0 and result.stream.dealers_rung == 0
    assert result.next_open_at.isoformat() == "2026-05-01T09:00:00-04:00"
    # The same events as any stream, with the reason; no channel message, no push.
    requested_event, = uow.outbox.events("stream.requested")
    stopped_event, = uow.outbox.events("stream.stopped")
    assert requested_event["data"]["stream"]["status"] == "requested"
    assert stopped_event["data"]["stream"]["status"] == "missed"
    assert stopped_event["data"]["stream"]["missedReason"] == "closed"
    assert stopped_event["data"]["stream"]["dealersRung"] == 0
    assert uow.outbox.pusher() == [] and uow.outbox.pushes() == []


def test_an_open_organization_rings_on_the_channel_and_by_push(uow, decoder):
    set_hours(uow, tz=NEW_YORK_9_TO_6["tz"], hours=NEW_YORK_9_TO_6["hours"])
    for dealer in ("alice", "bob"):
        record_ping(uow, principal(dealer), at(3590))
    result = request(uow, decoder, when=3600)  # 09:00 in New York
    assert result.stream.status == "requested" and result.notified_dealers == 2
    push, = uow.outbox.pushes(RINGING)
    assert push["users"] == ["alice", "bob"]
    assert push["expiresAt"] == "2026-05-01T13:01:00Z"  # the ring timeout after the request
    assert push["body"]["apns"]["data"]["streamId"] == result.stream.id
    assert uow.outbox.events("stream.requested")[0]["data"]["stream"]["dealersRung"] == 2


def test_a_dealer_silent_past_the_presence_timeout_no_longer_rings(uow, decoder):
    record_ping(uow, principal("bob"), at(100))
    result = request(uow, decoder, when=200)  # alice went online at T0 and never pinged
    assert result.stream.rung_dealer_ids == ("bob",)
    assert uow.outbox.pushes(RINGING)[0]["users"] == ["bob"]


def test_nobody_pinging_means_nobody_online(uow, decoder):
    result = request(uow, decoder, when=121)
    assert (result.stream.status, result.stream.missed_reason) == ("missed", "nobody_online")
    assert result.next_open_at is None


def test_accepting_tells_the_other_rung_dealers_to_stop_ringing(uow, decoder):
    stream = request(uow, decoder).stream
    accept_stream(uow, principal("alice"), stream.id, at(5))
    push, = uow.outbox.pushes(NO_LONGER_RINGING)
    assert push["users"] == ["bob"]
    assert push["body"]["fcm"]["data"] == {"type": NO_LONGER_RINGING, "streamId": stream.id,
                                           "organizationId": "org-1", "status": "streaming"}


def test_a_missed_ring_is_not_answered_and_stops_every_rung_phone(uow, decoder):
    request(uow, decoder)
    [missed] = end_overdue_streams(uow, at(61), ring_timeout=timedelta(seconds=60),
                                   ping_timeout=timedelta(seconds=30))
    assert (missed.status, missed.missed_reason, missed.dealers_rung) == ("missed", "not_answered", 2)
    push, = uow.outbox.pushes(NO_LONGER_RINGING)
    assert push["users"] == ["alice", "bob"] and push["body"]["apns"]["data"]["status"] == "missed"


def test_a_shopper_hanging_up_while_ringing_stops_the_phones(uow, decoder):
    stream = request(uow, decoder).stream
    stopped = stop_stream(uow, stream.id, None, at(3)).stream
    assert stopped.missed_reason == "not_answered"
    assert uow.outbox.pushes(NO_LONGER_RINGING)[0]["users"] == ["alice", "bob"]


def test_stopping_a_streaming_stream_pushes_nothing_more(uow, decoder):
    stream = request(uow, decoder).stream
    accept_stream(uow, principal("alice"), stream.id, at(5))
    stop_stream(uow, stream.id, principal("alice"), at(50))
    assert len(uow.outbox.pushes(NO_LONGER_RINGING)) == 1


def test_availability_reports_hours_and_dealers_really_online(uow, decoder):
    set_hours(uow, tz=NEW_YORK_9_TO_6["tz"], hours=NEW_YORK_9_TO_6["hours"])
    closed = check_availability(uow, "ACME", T0, Presence(timedelta(seconds=120)))
    assert (closed.open, closed.dealers_online) == (False, 2)
    assert closed.next_open_at.isoformat() == "2026-05-01T09:00:00-04:00"
    record_ping(uow, principal("alice"), at(3600))
    open_ = check_availability(uow, "ACME", at(3650), Presence(timedelta(seconds=120)))
    assert (open_.open, open_.dealers_online, open_.next_open_at) == (True, 1, None)
    with pytest.raises(NotFound):
        check_availability(uow, "NOPE", T0)


def test_a_holiday_closes_the_day(uow, decoder):
    set_hours(uow, holidays=["2026-05-01"])
    result = request(uow, decoder)
    assert result.stream.missed_reason == "closed"
    assert result.next_open_at.isoformat() == "2026-05-02T00:00:00+00:00"


# --- honest presence ------------------------------------------------------------------------------

def test_dealers_silent_past_the_presence_timeout_are_reported_once(uow):
    from dropin_streams.use_cases.presence import lapse_silent_dealers
    presence = Presence(timedelta(seconds=120))
    record_ping(uow, principal("bob"), at(100))
    assert lapse_silent_dealers(uow, at(119), presence) == []
    lapsed = lapse_silent_dealers(uow, at(121), presence)
    # Every dealer switched online, of any organization, active or not (their accountStatus lies too).
    assert [account.id for account in lapsed] == ["alice", "inactive-ivan", "zed"]
    events = uow.outbox.events("dealer.presence_lapsed")
    assert [(e["data"]["accountId"], e["data"]["lastSeenAt"], e["data"]["timeoutSeconds"]) for e in events][0] == \
        ("alice", "2026-05-01T12:00:00Z", 120)
    assert lapse_silent_dealers(uow, at(122), presence) == []  # reported once
    assert [a.id for a in lapse_silent_dealers(uow, at(221), presence)] == ["bob"]  # bob's ping ran out
    assert uow.accounts.rows["alice"].account_status == "offline"
