"""The HTTP API on a real database (Flask test client; the replica is filled directly)."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from dropin_common.auth import ROLE_ADMIN
from dropin_common.testing import known_account

from dropin_chat.bootstrap import bootstrap
from dropin_chat.entrypoints.http import create_app

from .conftest import settings_for

pytestmark = pytest.mark.integration


def post(client, stream_id, body, token=None):
    headers = {"Authorization": f"JWT {token}"} if token else {}
    return client.post(f"/chat/{stream_id}", json=body, headers=headers)


def error_of(response):
    return response.get_json()["error"]


def test_posted_message_is_answered_with_201_and_the_saved_message(client, known_stream):
    stream_id = known_stream()

    response = post(client, stream_id, {"from": "Jane", "message": "Is the car still there?"})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "streamId", "from", "message", "createdAt"}
    assert uuid.UUID(body["id"]) and body["streamId"] == stream_id
    assert (body["from"], body["message"]) == ("Jane", "Is the car still there?")
    created = datetime.fromisoformat(body["createdAt"].replace("Z", "+00:00"))
    assert abs(datetime.now(timezone.utc) - created) < timedelta(seconds=5)


def test_history_returns_messages_oldest_first_with_paging(client, known_stream):
    stream_id = known_stream()
    for number in range(5):
        assert post(client, stream_id, {"message": f"m{number}"}).status_code == 201

    page = client.get(f"/chat/{stream_id}?start=1&limit=3").get_json()

    assert [m["message"] for m in page["messages"]] == ["m1", "m2", "m3"]
    assert (page["start"], page["limit"], page["total"]) == (1, 3, 5)


@pytest.mark.parametrize("start, limit, expected", [
    (0, 3, ["m0", "m1", "m2"]),      # read from the oldest end
    (6, 3, ["m6", "m7", "m8"]),      # read from the newest end
    (8, 5, ["m8", "m9"]),            # a last page that is short
    (5, 10, ["m5", "m6", "m7", "m8", "m9"]),
    (10, 5, []),                     # past the end
])
def test_history_pages_are_the_same_from_either_end_of_the_chat(client, known_stream, start, limit, expected):
    stream_id = known_stream()
    for number in range(10):
        post(client, stream_id, {"message": f"m{number}"})

    page = client.get(f"/chat/{stream_id}?start={start}&limit={limit}").get_json()

    assert [m["message"] for m in page["messages"]] == expected
    assert page["total"] == 10


def test_history_accepts_the_contracts_query_json(client, known_stream):
    stream_id = known_stream()
    for number in range(3):
        post(client, stream_id, {"message": f"m{number}"})

    page = client.get(f"/chat/{stream_id}", query_string={"query": json.dumps({"start": 2, "limit": 5})})

    assert [m["message"] for m in page.get_json()["messages"]] == ["m2"]


def test_history_defaults_to_the_first_ten_messages(client, known_stream):
    stream_id = known_stream()
    for number in range(12):
        post(client, stream_id, {"message": f"m{number}"})

    page = client.get(f"/chat/{stream_id}").get_json()

    assert len(page["messages"]) == 10 and page["messages"][0]["message"] == "m0"
    assert (page["start"], page["limit"], page["total"]) == (0, 10, 12)


@pytest.mark.parametrize("body, field", [
    ({"from": "Jane"}, "message"),
    ({"message": ""}, "message"),
    ({"message": "   "}, "message"),
    ({"message": None}, "message"),
    ({"message": 42}, "message"),
    ({"message": "x" * 4001}, "message"),
    ({"message": "hi", "from": 7}, "from"),
    ({"message": "hi", "from": ""}, "from"),
    ({"message": "hi", "from": "n" * 101}, "from"),
])
def test_bad_message_body_is_a_400_naming_the_field(client, known_stream, body, field):
    response = post(client, known_stream(), body)

    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_body_that_is_not_json_is_a_400(client, known_stream):
    response = client.post(f"/chat/{known_stream()}", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


@pytest.mark.parametrize("query, field", [
    ("start=-1", "start"), ("start=abc", "start"), ("limit=0", "limit"), ("limit=101", "limit"),
    ("limit=1.5", "limit"), ('query={"limit":"many"}', "limit"),
])
def test_bad_paging_is_a_400_naming_the_field(client, known_stream, query, field):
    response = client.get(f"/chat/{known_stream()}?{query}")

    assert response.status_code == 400
    assert error_of(response)["field"] == field


@pytest.fixture()
def impatient_client(database_url, amqp_url, tokens, fake_pusher):
    container = bootstrap(settings_for(database_url, amqp_url, tokens, fake_pusher,
                                       stream_wait_seconds=0.2))
    yield create_app(container).test_client()
    container.engine.dispose()


def test_unknown_stream_is_a_404_for_posting_and_reading(impatient_client):
    stream_id = str(uuid.uuid4())

    posted = post(impatient_client, stream_id, {"message": "hello?"})
    read = impatient_client.get(f"/chat/{stream_id}")

    assert (posted.status_code, read.status_code) == (404, 404)
    assert error_of(posted)["code"] == error_of(read)["code"] == "stream_not_found"


def test_dealer_of_the_stream_posts_as_itself_with_its_token(client, known_stream, token_for):
    dealer_id = str(uuid.uuid4())
    stream_id = known_stream(version=2, status="streaming", dealer_id=dealer_id)

    response = post(client, stream_id, {"from": dealer_id, "message": "Hi, I'm at the car."},
                    token=token_for(dealer_id))

    assert response.status_code == 201
    assert response.get_json()["from"] == dealer_id


def test_token_with_another_accounts_from_is_a_403(client, known_stream, token_for):
    dealer_id = str(uuid.uuid4())
    stream_id = known_stream(version=2, status="streaming", dealer_id=dealer_id)

    response = post(client, stream_id, {"from": str(uuid.uuid4()), "message": "hi"},
                    token=token_for(dealer_id))

    assert response.status_code == 403
    assert error_of(response)["code"] == "sender_mismatch"


def test_other_dealer_cannot_write_on_the_stream_but_an_admin_can(client, known_stream, token_for):
    stream_id = known_stream(version=2, status="streaming", dealer_id=str(uuid.uuid4()))
    admin_id = str(uuid.uuid4())

    other = post(client, stream_id, {"message": "hi"}, token=token_for(str(uuid.uuid4())))
    admin = post(client, stream_id, {"message": "hi"}, token=token_for(admin_id, role=ROLE_ADMIN))

    assert other.status_code == 403 and error_of(other)["code"] == "not_stream_dealer"
    assert admin.status_code == 201 and admin.get_json()["from"] == admin_id


def test_shopper_without_token_cannot_write_as_the_dealer(client, known_stream):
    dealer_id = str(uuid.uuid4())
    stream_id = known_stream(version=2, status="streaming", dealer_id=dealer_id)

    response = post(client, stream_id, {"from": dealer_id, "message": "fake dealer"})

    assert response.status_code == 403
    assert error_of(response)["field"] == "from"


def test_forged_token_is_a_401(client, known_stream):
    response = post(client, known_stream(), {"message": "hi"}, token="not.a.jwt")

    assert response.status_code == 401


def test_message_long_after_the_stream_ended_is_a_409(client, known_stream):
    stopped = (datetime.now(timezone.utc) - timedelta(hours=2)).isoformat()
    stream_id = known_stream(version=3, status="completed", dealer_id=str(uuid.uuid4()), stopped_at=stopped)

    response = post(client, stream_id, {"message": "still there?"})

    assert response.status_code == 409
    assert error_of(response)["code"] == "stream_ended"
    assert client.get(f"/chat/{stream_id}").status_code == 200  # history stays readable


def test_body_over_the_size_limit_is_a_json_413(client, known_stream):
    response = client.post(f"/chat/{known_stream()}", json={"message": "x" * (70 * 1024)})

    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"


def test_a_token_of_another_organization_is_refused_on_posting_and_reading(client, known_stream, tokens,
                                                                          container):
    stream_id = known_stream(status="streaming", dealer_id=str(uuid.uuid4()))
    stranger_id = str(uuid.uuid4())
    known_account(container.engine, container.tables["accounts"], stranger_id, "dealer", "org-2")
    stranger = tokens.issue(stranger_id, "dealer", "org-2", ttl_seconds=600)
    post(client, stream_id, {"message": "my number is 555-0100"})

    posted = post(client, stream_id, {"from": "Jane", "message": "hi"}, token=stranger)
    read = client.get(f"/chat/{stream_id}", headers={"Authorization": f"JWT {stranger}"})

    assert (posted.status_code, error_of(posted)["code"]) == (403, "not_your_stream")
    assert (read.status_code, error_of(read)["code"]) == (403, "not_your_stream")
    assert client.get(f"/chat/{stream_id}").get_json()["total"] == 1


@pytest.mark.parametrize("sender, status", [("Jane\u200b", 400), ("dealer", 403), ("\uff24ealer", 403)])
def test_a_shopper_name_that_could_pass_for_the_dealer_is_refused(client, known_stream, sender, status):
    stream_id = known_stream(status="streaming", dealer_id=str(uuid.uuid4()))

    response = post(client, stream_id, {"from": sender, "message": "Your card details please"})

    assert response.status_code == status and error_of(response)["field"] == "from"
    assert client.get(f"/chat/{stream_id}").get_json()["total"] == 0
