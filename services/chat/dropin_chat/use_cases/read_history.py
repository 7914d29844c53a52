"""Reading a stream's chat history, oldest first, a page at a time."""
from __future__ import annotations

from dataclasses import dataclass

from dropin_common.kernel import NotFound, Principal

from ..domain.messages import ChatMessage
from ..domain.senders import ensure_may_act
from ..ports import StreamReplica, UnitOfWorkFactory
from .waiting import ReplicaWait, wait_for_stream


@dataclass(frozen=True)
class HistoryPage:
    messages: list[ChatMessage]
    start: int
    limit: int
    total: int


def read_history(stream_id: str, start: int, limit: int, replica: StreamReplica,
                 uow_factory: UnitOfWorkFactory, wait: ReplicaWait = ReplicaWait(),
                 principal: Principal | None = None) -> HistoryPage:
    """The stream id is the reader's capability (as for the shopper's other stream calls); a
    token, when sent, must be of the stream's side."""
    stream = wait_for_stream(replica, stream_id, wait)
    if stream is None:
        raise NotFound("No stream with this id.", code="stream_not_found")
    ensure_may_act(principal, stream)
    with uow_factory() as uow:
        messages = uow.messages.page(stream_id, start, limit)
        total = uow.messages.count(stream_id)
    return HistoryPage(messages=messages, start=start, limit=limit, total=total)
