"""The replica fed by real `stream.*` events through RabbitMQ and the chat consumer."""
import threading
import time
import uuid

import jwt

import pytest

from dropin_common.auth import ROLE_DEALER
from dropin_common.events import (ACCOUNT_REGISTERED, ACCOUNT_TOKENS_REVOKED, ACCOUNT_UPDATED, STREAM_ACCEPTED,
                                  STREAM_REQUESTED, Event)
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


def account_event(event_type: str, account_id: str, *, status: str, updated_at: str) -> Event:
    return Event(event_type, {"account": {
        "id": account_id, "email": f"{account_id}@example.com", "username": account_id, "firstName": "Dee",
        "lastName": "Lee", "phone": None, "role": ROLE_DEALER, "status": status, "accountStatus": "online",
        "organizationId": "org-1", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": updated_at}})


def test_a_dealer_switched_off_by_an_account_event_can_no_longer_chat_with_its_token(
        client, publish, tokens, known_stream, container):
    dealer_id = str(uuid.uuid4())
    stream_id = known_stream(version=2, status="streaming", dealer_id=dealer_id)
    headers = {"Authorization": f"JWT {tokens.issue(dealer_id, ROLE_DEALER, 'org-1')}"}
    publish(account_event(ACCOUNT_REGISTERED, dealer_id, status="active", updated_at="2026-01-01T00:00:00Z"))
    wait_until(lambda: client.post(f"/chat/{stream_id}", json={"message": "hi"}, headers=headers).status_code == 201,
               message="chat's replica to learn of the dealer")

    # Older news arriving late changes nothing; the newer deactivation does.
    publish(account_event(ACCOUNT_UPDATED, dealer_id, status="inactive", updated_at="2026-01-03T00:00:00Z"))
    late = account_event(ACCOUNT_UPDATED, dealer_id, status="active", updated_at="2026-01-02T00:00:00Z")
    publish(late)

    refused = wait_until(lambda: (r := client.post(f"/chat/{stream_id}", json={"message": "after"},
                                                   headers=headers)).status_code == 403 and r,
                         message="the dealer to be refused")
    assert refused.get_json()["error"]["code"] == "account_inactive"
    inbox = container.tables["inbox"]
    wait_until(lambda: count_rows(container, "inbox", inbox.c.event_id == late.id) == 1,
               message="the late event to be handled")
    assert client.post(f"/chat/{stream_id}", json={"message": "x"}, headers=headers).status_code == 403


def test_a_correctly_signed_token_for_an_account_chat_never_heard_of_is_a_401(client, tokens, known_stream):
    stream_id = known_stream()
    headers = {"Authorization": f"JWT {tokens.issue('nobody-here', ROLE_DEALER, 'org-1')}"}

    for response in (client.post(f"/chat/{stream_id}", json={"message": "hi"}, headers=headers),
                     client.get(f"/chat/{stream_id}", headers=headers)):
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "unknown_account"
