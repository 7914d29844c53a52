"""What happens around a stream besides its lifecycle: reading it, heartbeats, logs, notes."""
from __future__ import annotations

from datetime import datetime

from dropin_common.kernel import Conflict, NotAllowed, Principal
from dropin_common.events import STREAM_NOTED

from ..domain.access import require_stream_manager
from ..domain.stream import Stream, StreamLog
from ..ports import StreamQuery, UnitOfWork
from .announce import announce
from .lookups import StreamSeen, role_on, stream_or_404


def get_stream(uow: UnitOfWork, stream_id: str, principal: Principal | None) -> StreamSeen:
    """Anyone with the id may read it; a token of another organization is refused."""
    with uow:
        stream = stream_or_404(uow, stream_id)
        return StreamSeen(stream, role_on(stream, principal))


def list_streams(uow: UnitOfWork, principal: Principal, *, statuses: frozenset[str],
                 skip: int, limit: int) -> list[Stream]:
    """Admins see every stream; a dealer those of their organization, newest first."""
    with uow:
        organization_id = None
        if not principal.is_admin:
            account = uow.accounts.get(principal.account_id)
            organization_id = (account.organization_id if account else None) or principal.organization_id
            if organization_id is None:
                raise NotAllowed("You belong to no organization yet.", code="no_organization")
        return uow.streams.list(StreamQuery(organization_id, statuses, skip, limit))


def record_ping(uow: UnitOfWork, principal: Principal, now: datetime) -> datetime:
    with uow:
        uow.pings.record(principal.account_id, now)
        uow.commit()
    return now


def log_delivery(uow: UnitOfWork, stream_id: str, log: StreamLog, principal: Principal | None) -> StreamLog:
    with uow:
        role_on(stream_or_404(uow, stream_id), principal)
        uow.streams.add_log(stream_id, log)
        uow.commit()
    return log


def note_stream(uow: UnitOfWork, stream_id: str, note: str, principal: Principal | None) -> StreamSeen:
    """The note is the dealership's own: the stream's dealer or an admin writes it."""
    with uow:
        stream = stream_or_404(uow, stream_id)
        role = role_on(stream, principal)
        require_stream_manager(role, "The note")
        noted = stream.with_note(note)
        if not uow.streams.update(noted, expected_status=stream.status):
            raise Conflict("The note was edited at the same moment; try again.", code="stream_busy")
        announce(uow, STREAM_NOTED, noted, [])
        uow.commit()
    return StreamSeen(noted, role)
