"""Push notifications through the outbox to a Pusher Beams stand-in (it checks the bearer key):
what is published, to whom, with which time-to-live; a Beams outage delays pushes, loses none."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import jwt
import pytest

from dropin_common.auth import Principal
from dropin_common.fake_beams import FakeBeamsServer
from dropin_common.outbox import OutboxRelay, SinkUnavailable
from dropin_common.testing import wait_until
from dropin_common.timeutil import utcnow
from dropin_streams.adapters.beams import BeamsSettings, beams_client
from dropin_streams.entrypoints.http import create_app
from dropin_streams.bootstrap import sink_for
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.push import NO_LONGER_RINGING, RINGING
from dropin_streams.use_cases.request_stream import RequestStream, request_stream

from .conftest import outbox_rows, seed_dealer, seed_organization

VIN = "1HGCM82633A004352"
INSTANCE, SECRET = "it-beams-instance", "it-beams-secret-key-at-least-32-bytes"
ALICE = Principal("alice", "dealer", "org-1", "jti-alice", 0, 2e9)


@pytest.fixture(scope="module")
def fake_beams():
    server = FakeBeamsServer(INSTANCE, SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def beams_settings(container, fake_beams):
    fake_beams.pushes.clear()
    fake_beams.fail_with_status = None
    return replace(container.settings, beams=BeamsSettings(INSTANCE, SECRET, fake_beams.endpoint, ssl=False))


def beams_relay(container, settings):
    return OutboxRelay(container.engine, container.tables["outbox"], "beams", sink_for("beams", settings))


@pytest.fixture
def ringing(container):
    seed_organization(container)
    for dealer in ("alice", "bob"):
        seed_dealer(container, dealer)
    return request_stream(container.uow(), container.decoder, RequestStream("ACME", VIN), utcnow(),
                          container.settings.ringing).stream


def test_a_request_pushes_a_ring_to_every_online_dealer_with_the_ring_timeout_as_ttl(
        container, beams_settings, fake_beams, ringing):
    assert beams_relay(container, beams_settings).relay_batch() == 1
    [push] = fake_beams.pushes_of(RINGING)
    assert sorted(push.users) == ["alice", "bob"] and fake_beams.rejected == 0
    assert 0 < push.body["fcm"]["time_to_live"] <= 60 and 0 < push.body["web"]["time_to_live"] <= 60
    assert push.body["apns"]["expiration"] == int((ringing.requested_at + timedelta(seconds=60)).timestamp())
    assert push.body["apns"]["data"]["streamId"] == ringing.id


def test_accepting_pushes_no_longer_ringing_to_the_others(container, beams_settings, fake_beams, ringing):
    accept_stream(container.uow(), ALICE, ringing.id, utcnow())
    assert beams_relay(container, beams_settings).relay_batch() == 2
    [stop] = fake_beams.pushes_of(NO_LONGER_RINGING)
    assert stop.users == ("bob",) and stop.body["fcm"]["data"]["status"] == "streaming"


def test_a_beams_outage_delays_pushes_and_loses_none(container, beams_settings, fake_beams, ringing):
    relay = beams_relay(container, beams_settings)
    fake_beams.fail_with_status = 503
    with pytest.raises(SinkUnavailable):
        relay.relay_batch()
    accept_stream(container.uow(), ALICE, ringing.id, utcnow())  # more pushes queue meanwhile
    assert all(row.sent_at is None for row in outbox_rows(container, "beams"))
    fake_beams.fail_with_status = None
    wait_until(lambda: relay.relay_batch() == 0 and all(row.sent_at for row in outbox_rows(container, "beams")),
               timeout=10, interval=0.1, message="the pushes to go out after the outage")
    assert [push.kind for push in fake_beams.pushes] == [RINGING, NO_LONGER_RINGING]


def test_a_wrong_secret_key_holds_the_pushes_back_instead_of_dropping_them(container, beams_settings,
                                                                          fake_beams, ringing):
    wrong = replace(beams_settings, beams=replace(beams_settings.beams, secret_key="not-the-key"))
    with pytest.raises(SinkUnavailable):
        beams_relay(container, wrong).relay_batch()
    assert fake_beams.rejected >= 1 and fake_beams.pushes == []
    assert outbox_rows(container, "beams")[0].sent_at is None


def test_a_ring_whose_time_to_live_passed_is_not_sent(container, beams_settings, fake_beams):
    seed_organization(container)
    seed_dealer(container, "alice")
    request_stream(container.uow(), container.decoder, RequestStream("ACME", VIN),
                   utcnow() - timedelta(seconds=61), container.settings.ringing)
    assert beams_relay(container, beams_settings).relay_batch() == 1  # handled...
    assert fake_beams.pushes == []  # ...and not rung late


def test_with_pushes_off_push_rows_are_handled_without_sending(container, fake_beams, ringing):
    assert not container.settings.beams.enabled
    assert beams_relay(container, container.settings).relay_batch() == 1
    assert fake_beams.pushes == [] and outbox_rows(container, "beams")[0].sent_at is not None


# --- GET /pusher/beams-auth ---------------------------------------------------------------------

@pytest.fixture
def beams_app(container, beams_settings):
    seed_organization(container)
    seed_dealer(container, "alice")
    seed_dealer(container, "ivan", status="inactive")
    on = replace(container, settings=beams_settings, beams=beams_client(beams_settings.beams))
    return create_app(on).test_client()


def auth(issue_token, account_id, role="dealer"):
    return {"Authorization": f"JWT {issue_token(account_id, role)}"}


def test_a_dealer_gets_the_beams_token_for_its_own_account_id(beams_app, issue_token):
    response = beams_app.get("/pusher/beams-auth?user_id=alice", headers=auth(issue_token, "alice"))
    assert response.status_code == 200, response.get_json()
    claims = jwt.decode(response.get_json()["token"], SECRET, algorithms=["HS256"],
                        issuer=f"https://{INSTANCE}.pushnotifications.pusher.com")
    assert claims["sub"] == "alice"


@pytest.mark.parametrize("account_id, user_id, status, code", [
    ("alice", "bob", 403, "not_your_user_id"),
    ("ivan", "ivan", 403, "account_inactive"),  # switched off: refused before any view
    ("alice", "", 400, "bad_request"),
])
def test_beams_tokens_are_refused_to_anyone_else(beams_app, issue_token, account_id, user_id, status, code):
    response = beams_app.get(f"/pusher/beams-auth?user_id={user_id}", headers=auth(issue_token, account_id))
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_beams_tokens_are_refused_to_an_account_streams_never_heard_of(beams_app, tokens):
    response = beams_app.get("/pusher/beams-auth?user_id=stranger",
                             headers={"Authorization": f"JWT {tokens.issue('stranger', 'dealer', 'org-1')}"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unknown_account"


def test_beams_tokens_need_a_login(beams_app):
    assert beams_app.get("/pusher/beams-auth?user_id=alice").status_code == 401


def test_with_pushes_off_the_beams_token_endpoint_says_so(container, issue_token):
    seed_organization(container)
    seed_dealer(container, "alice")
    response = create_app(container).test_client().get("/pusher/beams-auth?user_id=alice",
                                                       headers=auth(issue_token, "alice"))
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "push_disabled"
