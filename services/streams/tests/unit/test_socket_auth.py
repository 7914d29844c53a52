"""Who may subscribe to which Pusher channel."""
from __future__ import annotations

import pytest

from dropin_common.errors import Forbidden, Unauthorized
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.request_stream import RequestStream, request_stream
from dropin_streams.use_cases.socket_auth import ChannelRequest, authorize_channel

from .conftest import VIN, at, principal
from .fakes import FakeSigner

SOCKET = "1234.5678"


def authorize(uow, channel, who=None, stream_token=None):
    return authorize_channel(uow, FakeSigner(), ChannelRequest(SOCKET, channel, who, stream_token))


@pytest.fixture
def stream_and_token(uow, decoder):
    result = request_stream(uow, decoder, RequestStream("ACME", VIN), at(0))
    accept_stream(uow, principal("alice"), result.stream.id, at(1))
    return result.stream, result.stream_token


def test_an_active_dealer_may_listen_to_their_organization(uow):
    assert authorize(uow, "private-organization-org-1", principal("alice"))["auth"]


@pytest.mark.parametrize("dealer", ["zed", "inactive-ivan"])
def test_other_or_inactive_dealers_may_not_listen_to_the_organization(uow, dealer):
    with pytest.raises(Forbidden):
        authorize(uow, "private-organization-org-1", principal(dealer))


def test_organization_channels_need_a_login(uow):
    with pytest.raises(Unauthorized):
        authorize(uow, "private-organization-org-1")


def test_a_dealer_may_listen_only_to_their_own_dealer_channel(uow):
    assert authorize(uow, "private-dealer-alice", principal("alice"))
    with pytest.raises(Forbidden):
        authorize(uow, "private-dealer-alice", principal("bob"))


def test_the_shopper_listens_to_the_stream_with_its_token(uow, stream_and_token):
    stream, token = stream_and_token
    assert authorize(uow, f"private-stream-{stream.id}", stream_token=token)
    with pytest.raises(Forbidden):
        authorize(uow, f"private-stream-{stream.id}", stream_token="wrong")


def test_only_the_accepting_dealer_listens_to_the_stream(uow, stream_and_token):
    stream, _token = stream_and_token
    assert authorize(uow, f"private-stream-{stream.id}", principal("alice"))
    with pytest.raises(Forbidden):
        authorize(uow, f"private-stream-{stream.id}", principal("bob"))


def test_an_unknown_stream_channel_is_refused(uow):
    with pytest.raises(Forbidden):
        authorize(uow, "private-stream-nope", stream_token="anything")


def test_presence_members_are_the_organizations_dealers_by_name(uow):
    answer = authorize(uow, "presence-organization-org-1", principal("inactive-ivan"))
    assert answer["channel_data"] == {"user_id": "inactive-ivan", "user_info": {"name": "Dee Inactive-Ivan"}}
    with pytest.raises(Forbidden):
        authorize(uow, "presence-organization-org-1", principal("zed"))


@pytest.mark.parametrize("channel", ["public-news", "private-organization-", "presence-stream-1", "private-other-1"])
def test_any_other_channel_is_refused(uow, channel):
    with pytest.raises(Forbidden):
        authorize(uow, channel, principal("alice"))
