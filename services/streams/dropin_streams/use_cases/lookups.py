"""Lookups every use case needs, with the 404 they answer when something is missing."""
from __future__ import annotations

from dropin_common.auth import Principal
from dropin_common.errors import Forbidden, NotFound

from ..domain.stream import Stream
from ..ports import UnitOfWork


def stream_or_404(uow: UnitOfWork, stream_id: str) -> Stream:
    stream = uow.streams.get(stream_id)
    if stream is None:
        raise NotFound(f"No stream has the id {stream_id!r}.", code="stream_not_found")
    return stream


def ensure_caller_may_manage(uow: UnitOfWork, stream: Stream, principal: Principal | None) -> None:
    """After-stream actions (note, loan link) need no login: the stream id is the capability, as
    the contract asks. A token, when sent, must be an admin's or one of the organization's dealers'."""
    if principal is None or principal.is_admin:
        return
    account = uow.accounts.get(principal.account_id)
    if account is None or account.organization_id != stream.organization_id:
        raise Forbidden("Only the stream's organization can do this.", code="not_your_stream")
