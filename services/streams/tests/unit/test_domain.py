"""Rules of the stream itself, without any use case around it."""
from __future__ import annotations

import pytest

from dropin_common.errors import Conflict
from dropin_streams.domain.channels import ChannelRef, parse_channel
from dropin_streams.domain.stream import DealerRef, Stream
from dropin_streams.domain.vehicle import Vehicle

from .conftest import at

DEALER = DealerRef("d1", "Dee", "One")


def new_stream() -> Stream:
    return Stream(id="s1", organization_id="o1", organization_code="ACME", organization_name="Acme",
                  vin="V", vehicle=Vehicle(), token_hash="h", requested_at=at(0))


def test_every_transition_bumps_the_version():
    stream = new_stream()
    accepted = stream.accept(DEALER, at(1))
    completed = accepted.stop("dealer", at(2))
    noted = completed.with_note("n")
    assert [s.version for s in (stream, accepted, completed, noted)] == [1, 2, 3, 4]


@pytest.mark.parametrize("make_state, transition", [
    (lambda s: s.accept(DEALER, at(1)), lambda s: s.accept(DEALER, at(2))),
    (lambda s: s.stop("shopper", at(1)), lambda s: s.accept(DEALER, at(2))),
    (lambda s: s.stop("shopper", at(1)), lambda s: s.stop("shopper", at(2))),
    (lambda s: s, lambda s: s.expire(at(2))),
    (lambda s: s.accept(DEALER, at(1)), lambda s: s.miss(at(2))),
    (lambda s: s, lambda s: s.with_note("too early")),
    (lambda s: s.accept(DEALER, at(1)), lambda s: s.with_note("too early")),
])
def test_transitions_from_the_wrong_state_are_conflicts(make_state, transition):
    with pytest.raises(Conflict):
        transition(make_state(new_stream()))


def test_expired_and_missed_streams_are_ended_by_the_system():
    expired = new_stream().accept(DEALER, at(1)).expire(at(31))
    missed = new_stream().miss(at(60))
    assert (expired.status, expired.stopped_by, expired.duration_seconds) == ("expired", "system", 30)
    assert (missed.status, missed.stopped_by, missed.has_ended) == ("missed", "system", True)


def test_caller_fields_override_only_what_they_give():
    decoded = Vehicle(make="Honda", year=2003, country="US")
    assert decoded.overridden_by(model="Civic", year=None) == Vehicle("Honda", "Civic", None, 2003, "US")


def test_channel_names_are_read_back_into_their_subject():
    assert parse_channel("private-stream-abc") == ChannelRef("private-stream-", "abc")
    assert parse_channel("presence-organization-o1") == ChannelRef("presence-organization-", "o1")
    assert parse_channel("private-chat-1") is None
