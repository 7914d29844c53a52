"""A dealer answers a ringing stream. The first one wins; everybody else gets a 409."""
from __future__ import annotations

from datetime import datetime

from dropin_common.kernel import Conflict, NotAllowed, Principal
from dropin_common.events import STREAM_ACCEPTED

from ..domain import channels
from ..domain.stream import REQUESTED, DealerRef, Stream
from ..ports import UnitOfWork
from .announce import announce
from .lookups import stream_or_404
from .push import push_no_longer_ringing


def accept_stream(uow: UnitOfWork, principal: Principal, stream_id: str, now: datetime) -> Stream:
    with uow:
        stream = stream_or_404(uow, stream_id)
        dealer = uow.accounts.get(principal.account_id)
        # The replica, not the token, decides: a dealer deactivated or moved since login is refused.
        if dealer is None or not dealer.is_active_dealer_of(stream.organization_id):
            raise NotAllowed("Only an active dealer of the stream's organization can accept it.",
                             code="not_a_dealer_of_organization")
        accepted = stream.accept(DealerRef(dealer.id, dealer.first_name, dealer.last_name), now)
        if not uow.streams.update(accepted, expected_status=REQUESTED):
            raise Conflict("Another dealer accepted the stream first.", code="stream_already_accepted")
        announce_accepted(uow, accepted)
        push_no_longer_ringing(uow, accepted, now, except_dealer=dealer.id)
        uow.commit()
    return accepted


def announce_accepted(uow: UnitOfWork, stream: Stream) -> None:
    # The organization channel tells the other dealers' apps to stop ringing.
    announce(uow, STREAM_ACCEPTED, stream,
             [channels.organization_channel(stream.organization_id), channels.stream_channel(stream.id)])
