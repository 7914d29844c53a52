import uuid

import pytest

from dropin_common.errors import Forbidden, NotFound

from dropin_chat.use_cases.read_history import read_history

from .conftest import a_principal, a_stream


def history(chat, stream_id, start=0, limit=10, principal=None):
    return read_history(stream_id, start, limit, chat.replica, chat.uow, chat.policy.replica_wait, principal)


def test_a_token_of_another_organization_cannot_read_the_history(chat):
    stream = chat.add_stream(a_stream())
    chat.post(stream.id, "my phone number is 555-0100")

    with pytest.raises(Forbidden) as refused:
        history(chat, stream.id, principal=a_principal(organization_id="org-2"))

    assert refused.value.code == "not_your_stream"
    assert history(chat, stream.id, principal=a_principal()).total == 1  # a colleague may read
    assert history(chat, stream.id).total == 1  # and the shopper, with the stream id


def test_history_is_oldest_first_whoever_wrote(chat):
    dealer = a_principal()
    stream = chat.add_stream(a_stream(status="streaming", dealer_id=dealer.account_id))
    for text, principal in [("one", None), ("two", dealer), ("three", None)]:
        chat.post(stream.id, text, principal=principal)
        chat.clock.advance(seconds=1)

    page = history(chat, stream.id)

    assert [m.text for m in page.messages] == ["one", "two", "three"]
    assert [m.sender for m in page.messages] == ["shopper", dealer.account_id, "shopper"]


def test_history_pages_by_start_and_limit_and_reports_the_total(chat):
    stream = chat.add_stream(a_stream())
    for number in range(7):
        chat.post(stream.id, f"m{number}")
        chat.clock.advance(seconds=1)

    page = history(chat, stream.id, start=2, limit=3)

    assert [m.text for m in page.messages] == ["m2", "m3", "m4"]
    assert (page.start, page.limit, page.total) == (2, 3, 7)


def test_history_only_holds_the_streams_own_messages(chat):
    mine, other = chat.add_stream(a_stream()), chat.add_stream(a_stream())
    chat.post(mine.id, "mine")
    chat.post(other.id, "other")

    assert [m.text for m in history(chat, mine.id).messages] == ["mine"]


def test_history_of_an_unknown_stream_is_not_found(chat):
    with pytest.raises(NotFound) as refused:
        history(chat, str(uuid.uuid4()))

    assert refused.value.code == "stream_not_found"


def test_history_of_a_stream_not_yet_replicated_waits_for_it(chat):
    late = a_stream()
    chat.time.on_sleep = lambda sleeps: sleeps == 2 and chat.add_stream(late)

    assert history(chat, late.id).total == 0
