"""Who may listen on which Pusher channel. Pusher's client asks us before subscribing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dropin_common.kernel import NotAllowed, NotAuthenticated, Principal

from ..domain import channels
from ..domain.channels import ChannelRef
from ..domain.tokens import matches
from ..ports import ChannelSigner, UnitOfWork


@dataclass(frozen=True)
class ChannelRequest:
    socket_id: str
    channel_name: str
    principal: Principal | None
    stream_token: str | None


def authorize_channel(uow: UnitOfWork, signer: ChannelSigner, request: ChannelRequest) -> dict[str, Any]:
    channel = channels.parse_channel(request.channel_name)
    if channel is None:
        raise NotAllowed(f"No subscriptions to {request.channel_name!r} are handed out here.",
                         code="channel_not_allowed")
    with uow:
        presence_data = _check_access(uow, channel, request)
    return signer.authenticate(request.channel_name, request.socket_id, presence_data)


def _check_access(uow: UnitOfWork, channel: ChannelRef, request: ChannelRequest) -> dict[str, Any] | None:
    """Returns the presence member data for presence channels; raises when access is refused."""
    if channel.kind == channels.STREAM:
        stream = uow.streams.get(channel.subject_id)
        if stream is None:
            raise NotAllowed("No such stream.", code="channel_not_allowed")
        if matches(request.stream_token, stream.token_hash):
            return None
        if request.principal is not None and request.principal.account_id == stream.dealer_id:
            return None
        raise NotAllowed("Only the stream's dealer or shopper may listen to it.", code="channel_not_allowed")

    principal = _required(request.principal)
    if channel.kind == channels.DEALER:
        if principal.account_id != channel.subject_id:
            raise NotAllowed("That is another dealer's channel.", code="channel_not_allowed")
        return None
    account = uow.accounts.get(principal.account_id)
    if channel.kind == channels.ORGANIZATION:
        if account is None or not account.is_active_dealer_of(channel.subject_id):
            raise NotAllowed("Only the organization's active dealers may listen.", code="channel_not_allowed")
        return None
    # presence-organization-<id>: every dealer of the organization, shown by name
    if account is None or account.organization_id != channel.subject_id:
        raise NotAllowed("Only the organization's dealers may join.", code="channel_not_allowed")
    return {"user_id": account.id, "user_info": {"name": account.display_name}}


def _required(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotAuthenticated("This channel needs a login: send 'Authorization: JWT <token>'.",
                               code="authentication_required")
    return principal
