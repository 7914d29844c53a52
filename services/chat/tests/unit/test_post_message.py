import uuid
from datetime import timezone
from unittest.mock import ANY

import pytest

from dropin_common.errors import BadRequest, Conflict, NotFound
from dropin_common.events import CHAT_MESSAGE_SAVED
from dropin_common.kernel import TryLater
from dropin_common.ids import new_id
from dropin_common.waiting import ReplicaBehind

from dropin_chat.domain.messages import MAX_MESSAGE_LENGTH

from .conftest import a_stream


def test_shopper_message_is_saved_with_a_uuid_and_the_server_time(chat):
    stream = chat.add_stream(a_stream())

    message = chat.post(stream.id, "Is it still available?")

    assert uuid.UUID(message.id).version == 4
    assert message.created_at == chat.clock() and message.created_at.tzinfo == timezone.utc
    assert chat.store.messages == [message]
    assert (message.stream_id, message.text) == (stream.id, "Is it still available?")


def test_saved_message_goes_to_the_streams_private_pusher_channel(chat):
    stream = chat.add_stream(a_stream())

    message = chat.post(stream.id, "hi")

    pushed = [row for row in chat.store.outbox if row[0] == "pusher"]
    assert pushed == [("pusher", "chat.message", {
        "channels": [f"private-stream-{stream.id}"],
        "data": {"id": message.id, "streamId": stream.id, "from": "shopper", "message": "hi",
                 "createdAt": "2026-01-01T12:00:00Z"},
        "id": ANY})]  # the push's own stable id, sent as `eventId`


def test_saved_message_is_published_as_chat_message_saved(chat):
    stream = chat.add_stream(a_stream())

    message = chat.post(stream.id, "hi")

    [(destination, topic, envelope)] = [row for row in chat.store.outbox if row[0] == "broker"]
    assert topic == CHAT_MESSAGE_SAVED == envelope["type"]
    assert envelope["data"]["message"]["id"] == message.id


@pytest.mark.parametrize("text", [None, "", "   \n"])
def test_missing_or_blank_message_is_refused_naming_the_message_field(chat, text):
    stream = chat.add_stream(a_stream())

    with pytest.raises(BadRequest) as refused:
        chat.post(stream.id, text)

    assert refused.value.field == "message"
    assert chat.store.messages == [] and chat.store.outbox == []


def test_message_of_exactly_the_maximum_length_is_accepted(chat):
    stream = chat.add_stream(a_stream())

    assert len(chat.post(stream.id, "x" * MAX_MESSAGE_LENGTH).text) == 4000


def test_message_over_4000_characters_is_refused(chat):
    stream = chat.add_stream(a_stream())

    with pytest.raises(BadRequest) as refused:
        chat.post(stream.id, "x" * (MAX_MESSAGE_LENGTH + 1))

    assert refused.value.field == "message"


def test_bad_message_is_refused_without_waiting_for_the_stream(chat):
    with pytest.raises(BadRequest):
        chat.post(str(uuid.uuid4()), "")

    assert chat.time.sleeps == 0


def test_an_unknown_old_or_made_up_stream_id_is_not_found_at_once_without_waiting(chat):
    for stream_id in (str(uuid.uuid4()), "2f7c0e1a-0000-7000-8000-000000000000"):  # a UUIDv4; a v7 from 1970
        with pytest.raises(NotFound) as refused:
            chat.post(stream_id, "hello?")
        assert refused.value.code == "stream_not_found"
    assert chat.time.sleeps == 0


def test_a_just_created_stream_the_replica_has_not_heard_of_in_time_is_a_retryable_503(chat):
    with pytest.raises(ReplicaBehind) as refused:
        chat.post(new_id(), "hello?")

    assert isinstance(refused.value, TryLater) and refused.value.retry_after == 1
    assert chat.time.now == pytest.approx(2.0)
    assert chat.replica.reads > 1


def test_when_every_wait_slot_is_taken_a_just_created_stream_is_a_503_without_waiting(chat):
    with chat.policy.replica_wait.slots.slot(), chat.policy.replica_wait.slots.slot():
        with pytest.raises(ReplicaBehind):
            chat.post(new_id(), "hello?")
    assert chat.time.sleeps == 0


def test_message_sent_before_stream_requested_arrived_waits_and_is_saved(chat):
    late = a_stream()
    chat.time.on_sleep = lambda sleeps: sleeps == 5 and chat.add_stream(late)

    message = chat.post(late.id, "first!")

    assert message.stream_id == late.id
    assert chat.time.now == pytest.approx(0.25)


def test_message_shortly_after_the_stream_ended_is_still_accepted(chat):
    stream = chat.add_stream(a_stream(status="completed", dealer_id="d", version=3,
                                      ended_at=chat.clock()))
    chat.clock.advance(minutes=9)

    assert chat.post(stream.id, "thanks, bye").text == "thanks, bye"


def test_message_long_after_the_stream_ended_is_refused_as_conflict(chat):
    stream = chat.add_stream(a_stream(status="missed", version=2, ended_at=chat.clock()))
    chat.clock.advance(minutes=11)

    with pytest.raises(Conflict) as refused:
        chat.post(stream.id, "anyone?")

    assert refused.value.code == "stream_ended"
    assert chat.store.messages == []
