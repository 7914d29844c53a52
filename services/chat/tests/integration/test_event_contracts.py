"""Chat's events as contracts: what it writes to its outbox matches the golden example of
chat.message_saved, and its consumer handles every golden example its queue receives."""
import pytest

from dropin_common.contracts.golden import assert_matches_golden
from dropin_common.events import CHAT_MESSAGE_SAVED
from dropin_common.testing_fixtures import all_handled, broker_envelopes, feed_golden_examples
from dropin_common.topology import CHAT_QUEUE

pytestmark = pytest.mark.integration


def test_a_posted_message_writes_chat_message_saved_as_its_golden_example(client, container, known_stream):
    stream_id = known_stream()
    assert client.post(f"/chat/{stream_id}", json={"message": "hello"}).status_code == 201

    [envelope] = broker_envelopes(container)
    assert envelope["type"] == CHAT_MESSAGE_SAVED
    assert_matches_golden(envelope)


def test_the_consumer_handles_every_golden_example_its_queue_receives(container):
    outcomes = feed_golden_examples(container, CHAT_QUEUE)
    assert len(outcomes) == 8  # stream.* (4), account.* (4)
    assert all_handled(outcomes) == []
