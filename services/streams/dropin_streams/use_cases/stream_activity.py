"""What happens around a stream besides its lifecycle: reading it, heartbeats, logs, notes."""
from __future__ import annotations

from datetime import datetime

from dropin_common.auth import Principal
from dropin_common.errors import Conflict, Forbidden
from dropin_common.events import STREAM_NOTED

from ..domain.stream import Stream, StreamLog
from ..ports import StreamQuery, UnitOfWork
from .announce import announce
from .lookups import ensure_caller_may_manage, stream_or_404


def get_stream(uow: UnitOfWork, stream_id: str) -> Stream:
    with uow:
        return stream_or_404(uow, stream_id)


def list_streams(uow: UnitOfWork, principal: Principal, *, statuses: frozenset[str],
                 skip: int, limit: int) -> list[Stream]:
    """Admins see every stream; a dealer those of their organization, newest first."""
    with uow:
        organization_id = None
        if not principal.is_admin:
            account = uow.accounts.get(principal.account_id)
            organization_id = (account.organization_id if account else None) or principal.organization_id
            if organization_id is None:
                raise Forbidden("You belong to no organization yet.", code="no_organization")
        return uow.streams.list(StreamQuery(organization_id, statuses, skip, limit))


def record_ping(uow: UnitOfWork, principal: Principal, now: datetime) -> datetime:
    with uow:
        uow.pings.record(principal.account_id, now)
        uow.commit()
    return now


def log_delivery(uow: UnitOfWork, stream_id: str, log: StreamLog) -> StreamLog:
    with uow:
        stream_or_404(uow, stream_id)
        uow.streams.add_log(stream_id, log)
        uow.commit()
    return log


def note_stream(uow: UnitOfWork, stream_id: str, note: str, principal: Principal | None) -> Stream:
    with uow:
        stream = stream_or_404(uow, stream_id)
        ensure_caller_may_manage(uow, stream, principal)
        noted = stream.with_note(note)
        if not uow.streams.update(noted, expected_status=stream.status):
            raise Conflict("The note was edited at the same moment; try again.", code="stream_busy")
        announce(uow, STREAM_NOTED, noted, [])
        uow.commit()
    return noted
