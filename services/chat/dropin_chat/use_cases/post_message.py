"""Saving a chat message, and queueing its real-time delivery and its integration event."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dropin_common.contracts.chat import ChatMessageSaved
from dropin_common.kernel import Conflict, NotFound, Principal
from dropin_common.ports import PUSHER_DESTINATION, pusher_message

from ..domain.messages import ChatMessage, valid_text
from ..domain.senders import belongs_to_stream, may_write, resolve_sender
from ..domain.streams import StreamMembership
from ..ports import StreamReplica, UnitOfWorkFactory
from .snapshots import message_payload, message_snapshot
from .waiting import ReplicaWait, wait_for_stream

PUSHER_EVENT = "chat.message"


def stream_channel(stream_id: str) -> str:
    return f"private-stream-{stream_id}"


@dataclass(frozen=True)
class PostMessage:
    stream_id: str
    claimed_sender: str | None
    text: str | None
    principal: Principal | None = None


@dataclass(frozen=True)
class ChatPolicy:
    replica_wait: ReplicaWait = ReplicaWait()
    # How long after a stream ended its chat still takes messages.
    ended_grace: timedelta = timedelta(minutes=10)


def post_message(command: PostMessage, replica: StreamReplica, uow_factory: UnitOfWorkFactory,
                 now: Callable[[], datetime], policy: ChatPolicy = ChatPolicy()) -> ChatMessage:
    text = valid_text(command.text)  # refuse bad input before waiting on anything
    stream = _writable_stream(command, replica, policy)
    sender = resolve_sender(command.claimed_sender, command.principal, stream)
    moment = now()
    if stream.is_closed_for_chat(moment, policy.ended_grace):
        raise Conflict("This stream ended; its chat is closed.", code="stream_ended")
    message = ChatMessage.new(stream.id, sender, text, moment)
    snapshot = message_snapshot(message)
    with uow_factory() as uow:
        uow.messages.add(message)
        uow.outbox.add(PUSHER_DESTINATION, PUSHER_EVENT,
                       pusher_message([stream_channel(stream.id)], snapshot))
        uow.outbox.publish(ChatMessageSaved(message=message_payload(message)).to_event())
        uow.commit()
    return message


def _writable_stream(command: PostMessage, replica: StreamReplica, policy: ChatPolicy) -> StreamMembership:
    principal = command.principal

    def ready(stream: StreamMembership) -> bool:
        # A dealer who has just accepted may write before `stream.accepted` reached us: wait
        # for it too, as long as the replica still shows nobody owning the stream.
        if principal is None or may_write(principal, stream) or not belongs_to_stream(principal, stream):
            return True  # nothing to wait for (a token of another organization is refused at once)
        return stream.dealer_id is not None or stream.has_ended

    stream = wait_for_stream(replica, command.stream_id, policy.replica_wait, ready)
    if stream is None:
        raise NotFound("No stream with this id.", code="stream_not_found")
    return stream
