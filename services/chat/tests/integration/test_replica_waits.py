"""Waiting for the stream replica holds no line: only just-created stream ids are waited for, a
few at a time, and a stream the replica has not caught up with is a retryable 503, never a wrong
404 or 403."""
import threading
import time
import uuid

import pytest

from dropin_common.ids import new_id

from dropin_chat.bootstrap import bootstrap
from dropin_chat.entrypoints.http import create_app

from .conftest import settings_for

pytestmark = pytest.mark.integration
WAIT_SECONDS = 3.0


@pytest.fixture()
def app_client(database_url, amqp_url, tokens, fake_pusher):
    settings = settings_for(database_url, amqp_url, tokens, fake_pusher, stream_wait_seconds=WAIT_SECONDS)
    container = bootstrap(settings)
    yield create_app(container).test_client(), settings.stream_waiters
    container.engine.dispose()


def timed_post(client, stream_id, answers, **kwargs):
    started = time.monotonic()
    response = client.post(f"/chat/{stream_id}", json={"message": "anyone?"}, **kwargs)
    answers.append((response, time.monotonic() - started))


def test_a_burst_for_streams_the_replica_does_not_know_waits_a_few_at_a_time_and_answers_503(app_client,
                                                                                              known_stream):
    client, waiters = app_client
    known = known_stream()
    answers = []
    burst = [threading.Thread(target=timed_post, args=(client, new_id(), answers)) for _ in range(12)]
    for thread in burst:
        thread.start()
    read = client.get(f"/chat/{known}")  # a normal read meanwhile
    for thread in burst:
        thread.join(30)

    assert read.status_code == 200
    assert len(answers) == 12
    for response, _elapsed in answers:
        assert response.status_code == 503, response.get_json()
        assert response.get_json()["error"]["code"] == "replica_behind"
        assert response.headers["Retry-After"] == "1"
    waited = [elapsed for _response, elapsed in answers if elapsed >= WAIT_SECONDS]
    assert len(waited) <= waiters, "more requests waited at once than there are wait slots"


def test_an_old_or_made_up_stream_id_is_a_404_without_waiting(app_client):
    client, _waiters = app_client
    answers = []
    for stream_id in (str(uuid.uuid4()), "0190a000-0000-7000-8000-000000000000", "not-a-uuid"):
        timed_post(client, stream_id, answers)
    assert [response.status_code for response, _ in answers] == [404, 404, 404]
    assert all(elapsed < WAIT_SECONDS for _, elapsed in answers)


def test_the_dealer_of_a_just_accepted_stream_the_replica_shows_unaccepted_gets_503_not_403(app_client, known_stream,
                                                                                             token_for):
    client, _waiters = app_client
    dealer_id = str(uuid.uuid4())
    stream_id = known_stream(new_id())  # requested; its stream.accepted has not arrived yet
    answers = []
    timed_post(client, stream_id, answers, headers={"Authorization": f"JWT {token_for(dealer_id)}"})
    [(response, _elapsed)] = answers
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "replica_behind"
