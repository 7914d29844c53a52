"""Posted messages leave through the outbox: to Pusher (a signature-checking fake) and the broker."""
import uuid

import pytest

from dropin_common.events import CHAT_MESSAGE_SAVED
from dropin_common.outbox import SinkUnavailable
from dropin_common.testing import bind_probe_queue, drain_queue

from .conftest import EXCHANGE, count_rows

pytestmark = pytest.mark.integration


def pushed_for(fake_pusher, stream_id):
    return [event for event in fake_pusher.events_named("chat.message")
            if event.data.get("streamId") == stream_id]


def test_posted_message_reaches_the_streams_private_pusher_channel(client, container, known_stream,
                                                                    fake_pusher):
    stream_id = known_stream()
    message = client.post(f"/chat/{stream_id}", json={"message": "hello"}).get_json()

    assert container.relay("pusher").relay_batch() == 1

    [event] = pushed_for(fake_pusher, stream_id)
    assert event.channels == (f"private-stream-{stream_id}",)
    assert event.data == {**message, "eventId": event.data["eventId"]}  # plus the push's stable id
    assert event.data["eventId"]


def test_pusher_outage_delays_the_message_but_loses_nothing(client, container, known_stream, fake_pusher):
    stream_id = known_stream()
    message = client.post(f"/chat/{stream_id}", json={"message": "during the outage"}).get_json()
    relay = container.relay("pusher")

    fake_pusher.fail_with_status = 503
    try:
        with pytest.raises(SinkUnavailable):
            relay.relay_batch()
    finally:
        fake_pusher.fail_with_status = None
    assert pushed_for(fake_pusher, stream_id) == []
    outbox = container.tables["outbox"]
    assert count_rows(container, "outbox", outbox.c.destination == "pusher", outbox.c.sent_at.is_(None)) == 1

    assert relay.relay_batch() == 1
    [event] = pushed_for(fake_pusher, stream_id)
    assert event.data == {**message, "eventId": event.data["eventId"]}


def test_posted_message_is_published_as_chat_message_saved(client, container, known_stream, amqp_url):
    probe = bind_probe_queue(amqp_url, EXCHANGE, [CHAT_MESSAGE_SAVED])
    stream_id = known_stream()
    message = client.post(f"/chat/{stream_id}", json={"from": "Jane", "message": "hi"}).get_json()

    assert container.relay("broker").relay_batch() == 1

    [envelope] = drain_queue(amqp_url, probe, expect=1)
    assert envelope["type"] == CHAT_MESSAGE_SAVED
    assert envelope["data"] == {"message": message}
    assert uuid.UUID(envelope["id"])


def test_refused_message_queues_nothing(client, container, known_stream):
    client.post(f"/chat/{known_stream()}", json={"message": ""})

    assert count_rows(container, "outbox") == 0 and count_rows(container, "messages") == 0
