"""The replica fed by real `stream.*` events through RabbitMQ and the chat consumer."""
import threading
import time
import uuid

import jwt

import pytest

from dropin_common.events import ACCOUNT_TOKENS_REVOKED, STREAM_ACCEPTED, STREAM_REQUESTED, Event
from dropin_common.ids import new_id
from dropin_common.testing import wait_until

from .conftest import count_rows, stream_event

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("running_consumer")]


def test_stream_requested_event_makes_the_stream_known(container, publish):
    stream_id = str(uuid.uuid4())

    publish(stream_event(stream_id))

    stream = wait_until(lambda: container.replica.get(stream_id), message="the replicated stream")
    assert (stream.status, stream.version, stream.organization_id) == ("requested", 1, "org-1")


def test_older_stream_event_arriving_after_a_newer_one_is_ignored(container, publish):
    stream_id, dealer_id = str(uuid.uuid4()), str(uuid.uuid4())
    accepted = stream_event(stream_id, STREAM_ACCEPTED, version=2, status="streaming", dealer_id=dealer_id)
    requested = stream_event(stream_id, STREAM_REQUESTED, version=1)

    publish(accepted)
    publish(requested)

    inbox = container.tables["inbox"]
    wait_until(lambda: count_rows(container, "inbox", inbox.c.event_id.in_([accepted.id, requested.id])) == 2,
               message="both events handled")
    stream = container.replica.get(stream_id)
    assert (stream.status, stream.dealer_id, stream.version) == ("streaming", dealer_id, 2)


def test_redelivered_stream_event_is_handled_once(container, publish):
    stream_id = str(uuid.uuid4())
    event = stream_event(stream_id)

    publish(event)
    publish(event)
    marker = stream_event(str(uuid.uuid4()))
    publish(marker)  # once this is handled, both copies before it were too

    wait_until(lambda: container.replica.get(marker.data["stream"]["id"]), message="the marker")
    inbox = container.tables["inbox"]
    assert count_rows(container, "inbox", inbox.c.event_id == event.id) == 1


def test_message_posted_before_stream_requested_arrives_is_saved(client, publish):
    stream_id = new_id()  # just created, as streams makes them
    answers = []
    poster = threading.Thread(target=lambda: answers.append(
        client.post(f"/chat/{stream_id}", json={"message": "first!"})))

    poster.start()
    time.sleep(0.3)  # let the request reach the replica and find nothing yet
    assert answers == [], "the post answered before the stream was known"
    publish(stream_event(stream_id))
    poster.join(timeout=10)

    [response] = answers
    assert response.status_code == 201, response.get_json()
    assert client.get(f"/chat/{stream_id}").get_json()["total"] == 1


def test_revoked_token_is_refused_once_the_revocation_event_arrives(client, publish, token_for,
                                                                    known_stream):
    dealer_id = str(uuid.uuid4())
    stream_id = known_stream(version=2, status="streaming", dealer_id=dealer_id)
    token = token_for(dealer_id)
    headers = {"Authorization": f"JWT {token}"}
    assert client.post(f"/chat/{stream_id}", json={"message": "before"}, headers=headers).status_code == 201

    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    publish(Event(ACCOUNT_TOKENS_REVOKED, {"accountId": dealer_id, "jti": jti,
                                           "expiresAt": "2030-01-01T00:00:00Z"}))

    refused = wait_until(lambda: (r := client.post(f"/chat/{stream_id}", json={"message": "after"},
                                                   headers=headers)).status_code == 401 and r,
                         message="the token to be refused")
    assert refused.get_json()["error"]["code"] == "token_revoked"
