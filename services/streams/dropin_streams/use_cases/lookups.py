"""Lookups every use case needs, with the 404 they answer when something is missing, and the
caller's role on the stream (domain.access: one rule for every stream action)."""
from __future__ import annotations

from dataclasses import dataclass

from dropin_common.kernel import NotFound, Principal

from ..domain.access import StreamRole, role_towards_stream
from ..domain.stream import Stream
from ..ports import UnitOfWork


@dataclass(frozen=True)
class StreamSeen:
    """A stream as one caller may see it: the answer shows the internals only to the organization."""
    stream: Stream
    role: StreamRole


def stream_or_404(uow: UnitOfWork, stream_id: str) -> Stream:
    stream = uow.streams.get(stream_id)
    if stream is None:
        raise NotFound(f"No stream has the id {stream_id!r}.", code="stream_not_found")
    return stream


def role_on(stream: Stream, principal: Principal | None) -> StreamRole:
    """403 when a token of another organization is sent; the caller's role otherwise."""
    return role_towards_stream(stream.organization_id, stream.dealer_id, principal)
