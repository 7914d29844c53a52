"""The Pusher stand-in's WebSocket half, driven the way pusher-js drives Pusher: a real WebSocket
client, channel signatures made by the `pusher` server library (as the streams service makes them),
events triggered through the signed REST API."""
from __future__ import annotations

import json
from contextlib import ExitStack

import pusher
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from dropin_common.fake_pusher import FakePusherServer

APP = {"app_id": "777", "key": "ws-key", "secret": "ws-secret"}


_open = ExitStack()  # every test's sockets, closed after it (see close_sockets)


@pytest.fixture(autouse=True)
def close_sockets():
    yield
    _open.close()


@pytest.fixture()
def fake():
    server = FakePusherServer(APP["app_id"], APP["key"], APP["secret"], ws_port=0).start()
    yield server
    server.stop()


@pytest.fixture()
def fake_with_client_events():
    server = FakePusherServer(APP["app_id"], APP["key"], APP["secret"], ws_port=0, client_events=True).start()
    yield server
    server.stop()


def rest_client(fake) -> pusher.Pusher:
    return pusher.Pusher(app_id=APP["app_id"], key=APP["key"], secret=APP["secret"],
                         host="127.0.0.1", port=fake.port, ssl=False)


class Socket:
    """One pusher-js-like connection: reads frames as JSON, with `data` decoded as pusher-js does."""

    def __init__(self, fake, key: str = APP["key"], protocol: str = "7"):
        self.ws = _open.enter_context(connect(
            f"ws://127.0.0.1:{fake.ws_port}/app/{key}?protocol={protocol}&client=js&version=8.4.0", open_timeout=5))
        self.socket_id: str | None = None

    def established(self) -> Socket:
        hello = self.next()
        assert hello["event"] == "pusher:connection_established"
        self.socket_id = hello["data"]["socket_id"]
        return self

    def next(self, timeout: float = 5) -> dict:
        frame = json.loads(self.ws.recv(timeout=timeout))
        if isinstance(frame.get("data"), str):
            frame["data"] = json.loads(frame["data"])
        return frame

    def next_named(self, event: str, timeout: float = 5) -> dict:
        while True:
            frame = self.next(timeout)
            if frame["event"] == event:
                return frame

    def send(self, event: str, data, channel: str | None = None) -> None:
        body = {"event": event, "data": data}
        if channel:
            body["channel"] = channel
        self.ws.send(json.dumps(body))

    def subscribe(self, channel: str, signer: pusher.Pusher | None = None, user: dict | None = None) -> dict:
        data = {"channel": channel}
        if signer is not None:
            data.update(signer.authenticate(channel=channel, socket_id=self.socket_id, custom_data=user))
        self.send("pusher:subscribe", data)
        return self.next()

    def close(self) -> None:
        self.ws.close()


def test_a_connection_is_established_with_a_socket_id_and_answers_pings(fake):
    socket = Socket(fake).established()
    assert socket.socket_id.count(".") == 1
    socket.send("pusher:ping", {})
    assert socket.next()["event"] == "pusher:pong"
    socket.close()


def test_an_unknown_app_key_is_refused_with_4001(fake):
    socket = Socket(fake, key="someone-elses-key")
    error = socket.next()
    assert error["event"] == "pusher:error" and error["data"]["code"] == 4001
    with pytest.raises(ConnectionClosed):
        socket.next(timeout=2)
    assert socket.ws.close_code == 4001


def test_an_unsupported_protocol_is_refused_with_4007(fake):
    error = Socket(fake, protocol="4").next()
    assert error["data"]["code"] == 4007


def test_private_channel_needs_the_signature_pusher_expects(fake):
    good, bad = Socket(fake).established(), Socket(fake).established()
    signer = rest_client(fake)
    assert good.subscribe("private-stream-1", signer) == {
        "event": "pusher_internal:subscription_succeeded", "channel": "private-stream-1", "data": {}}

    forged = bad.subscribe("private-stream-1", pusher.Pusher(app_id="777", key=APP["key"], secret="wrong"))
    assert forged["event"] == "pusher:subscription_error" and forged["data"]["status"] == 401
    unsigned = bad.subscribe("private-stream-1")
    assert unsigned["event"] == "pusher:subscription_error"
    # A signature made for another socket is no good either.
    borrowed = signer.authenticate(channel="private-stream-1", socket_id=good.socket_id)
    bad.send("pusher:subscribe", {"channel": "private-stream-1", **borrowed})
    assert bad.next()["event"] == "pusher:subscription_error"
    assert fake.sockets.subscriber_counts() == {"private-stream-1": 1}


def test_events_triggered_through_rest_reach_only_subscribed_sockets(fake):
    listener, bystander = Socket(fake).established(), Socket(fake).established()
    signer = rest_client(fake)
    listener.subscribe("private-organization-9", signer)
    bystander.subscribe("private-organization-10", signer)

    signer.trigger(["private-organization-9"], "stream.requested", {"id": "s1", "vin": "VIN"})

    event = listener.next()
    assert event == {"event": "stream.requested", "channel": "private-organization-9",
                     "data": {"id": "s1", "vin": "VIN"}}
    bystander.send("pusher:ping", {})
    assert bystander.next()["event"] == "pusher:pong"  # nothing else arrived before the pong


def test_a_trigger_can_exclude_the_sender_socket(fake):
    first, second = Socket(fake).established(), Socket(fake).established()
    signer = rest_client(fake)
    first.subscribe("public-news")
    second.subscribe("public-news")
    signer.trigger("public-news", "hello", {"n": 1}, socket_id=first.socket_id)
    assert second.next()["data"] == {"n": 1}
    first.send("pusher:ping", {})
    assert first.next()["event"] == "pusher:pong"


def test_presence_channels_list_members_and_announce_joins_and_leaves(fake):
    signer = rest_client(fake)
    ann, bob = Socket(fake).established(), Socket(fake).established()
    joined = ann.subscribe("presence-organization-1", signer, {"user_id": "ann", "user_info": {"name": "Ann"}})
    assert joined["data"]["presence"] == {"ids": ["ann"], "hash": {"ann": {"name": "Ann"}}, "count": 1}

    joined = bob.subscribe("presence-organization-1", signer, {"user_id": "bob", "user_info": {"name": "Bob"}})
    assert sorted(joined["data"]["presence"]["ids"]) == ["ann", "bob"]
    added = ann.next_named("pusher_internal:member_added")
    assert added["data"] == {"user_id": "bob", "user_info": {"name": "Bob"}}

    bob.close()
    removed = ann.next_named("pusher_internal:member_removed")
    assert removed["data"] == {"user_id": "bob"}


def test_presence_channel_data_is_part_of_the_signature(fake):
    signer = rest_client(fake)
    mallory = Socket(fake).established()
    signed = signer.authenticate(channel="presence-organization-1", socket_id=mallory.socket_id,
                                 custom_data={"user_id": "mallory"})
    mallory.send("pusher:subscribe", {"channel": "presence-organization-1", "auth": signed["auth"],
                                      "channel_data": json.dumps({"user_id": "the-boss"})})
    assert mallory.next()["event"] == "pusher:subscription_error"


def test_client_events_are_refused_unless_enabled(fake):
    signer = rest_client(fake)
    sender, receiver = Socket(fake).established(), Socket(fake).established()
    sender.subscribe("private-stream-2", signer)
    receiver.subscribe("private-stream-2", signer)
    sender.send("client-typing", {"who": "shopper"}, channel="private-stream-2")
    error = sender.next()
    assert error["event"] == "pusher:error" and "enable" in error["data"]["message"]
    receiver.send("pusher:ping", {})
    assert receiver.next()["event"] == "pusher:pong"


def test_enabled_client_events_go_to_the_other_subscribers_only(fake_with_client_events):
    fake = fake_with_client_events
    signer = rest_client(fake)
    sender, receiver, outsider = (Socket(fake).established() for _ in range(3))
    sender.subscribe("private-stream-3", signer)
    receiver.subscribe("private-stream-3", signer)
    sender.send("client-typing", {"who": "shopper"}, channel="private-stream-3")
    assert receiver.next() == {"event": "client-typing", "channel": "private-stream-3", "data": {"who": "shopper"}}
    outsider.send("client-typing", {"who": "x"}, channel="private-stream-3")
    assert outsider.next()["event"] == "pusher:error"  # not subscribed
    sender.send("client-typing", {}, channel="public-news")
    assert sender.next()["event"] == "pusher:error"  # public channels take no client events


def test_rest_behaviour_is_unchanged_when_sockets_are_served(fake):
    signer = rest_client(fake)
    signer.trigger(["private-a", "private-b"], "chat.message", {"message": "hi"})
    [event] = fake.events_named("chat.message")
    assert event.channels == ("private-a", "private-b") and event.data == {"message": "hi"}
    with pytest.raises(pusher.errors.PusherBadAuth):
        pusher.Pusher(app_id=APP["app_id"], key=APP["key"], secret="nope", host="127.0.0.1",
                      port=fake.port, ssl=False).trigger("private-a", "x", {})
