"""Either side ends a stream; the worker ends the ones nobody answered or nobody keeps alive."""
from __future__ import annotations

from datetime import datetime, timedelta

from dropin_common.kernel import Conflict, Principal
from dropin_common.events import STREAM_STOPPED

from ..domain import channels
from ..domain.stream import REQUESTED, Stream
from ..ports import UnitOfWork
from .announce import announce
from .lookups import StreamSeen, role_on, stream_or_404
from .push import push_no_longer_ringing

# A stop loses a race only to another transition (an accept, the worker); it then re-reads.
STOP_ATTEMPTS = 3


def stop_stream(uow: UnitOfWork, stream_id: str, principal: Principal | None, now: datetime) -> StreamSeen:
    """Idempotent: an ended stream is returned unchanged and announced no second time. A token of
    another organization is refused; `stoppedBy` is the caller's role on the stream (the shopper
    without a token, its dealer, a colleague of the organization, an admin)."""
    for _ in range(STOP_ATTEMPTS):
        with uow:
            stream = stream_or_404(uow, stream_id)
            role = role_on(stream, principal)
            if stream.has_ended:
                return StreamSeen(stream, role)
            stopped = stream.stop(role.value, now)
            if uow.streams.update(stopped, expected_status=stream.status):
                announce_stopped(uow, stopped)
                if stream.status == REQUESTED:
                    push_no_longer_ringing(uow, stopped, now)
                uow.commit()
                return StreamSeen(stopped, role)
    raise Conflict("The stream kept changing while stopping it; try again.", code="stream_busy")


def end_overdue_streams(uow: UnitOfWork, now: datetime, *, ring_timeout: timedelta,
                        ping_timeout: timedelta, batch_size: int = 100) -> list[Stream]:
    """Misses unanswered requests and expires streams whose dealer went silent (one batch)."""
    ended: list[Stream] = []
    with uow:
        overdue = uow.streams.claim_overdue(ring_deadline=now - ring_timeout,
                                            ping_deadline=now - ping_timeout, limit=batch_size)
        for stream in overdue:
            final = stream.miss(now) if stream.status == REQUESTED else stream.expire(now)
            # The row is locked by this transaction, so the guarded update cannot lose.
            if uow.streams.update(final, expected_status=stream.status):
                announce_stopped(uow, final)
                if stream.status == REQUESTED:
                    push_no_longer_ringing(uow, final, now)
                ended.append(final)
        uow.commit()
    return ended


def announce_stopped(uow: UnitOfWork, stream: Stream, *, channels_too: bool = True) -> None:
    announce(uow, STREAM_STOPPED, stream,
             [channels.stream_channel(stream.id), channels.organization_channel(stream.organization_id)]
             if channels_too else [])
