"""Lookups every use case needs, with the 404 they answer when something is missing."""
from __future__ import annotations

from dropin_common.errors import NotFound

from ..domain.stream import Stream
from ..ports import UnitOfWork


def stream_or_404(uow: UnitOfWork, stream_id: str) -> Stream:
    stream = uow.streams.get(stream_id)
    if stream is None:
        raise NotFound(f"No stream has the id {stream_id!r}.", code="stream_not_found")
    return stream
