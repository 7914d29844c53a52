"""First wins: twenty dealers accept the same stream at once against real PostgreSQL."""
from __future__ import annotations

import threading

from dropin_common.auth import Principal
from dropin_common.errors import Conflict
from dropin_common.timeutil import utcnow
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.request_stream import RequestStream, request_stream

from .conftest import outbox_rows, seed_dealer, seed_organization

DEALERS = [f"dealer-{n:02d}" for n in range(20)]


def test_exactly_one_of_twenty_concurrent_accepts_wins(container):
    seed_organization(container)
    for dealer in DEALERS:
        seed_dealer(container, dealer)
    stream = request_stream(container.uow(), container.decoder,
                            RequestStream("ACME", "1HGCM82633A004352"), utcnow()).stream
    start = threading.Barrier(len(DEALERS))
    outcomes: dict[str, str] = {}

    def accept(dealer: str) -> None:
        principal = Principal(dealer, "dealer", "org-1", f"jti-{dealer}", 0, 2e9)
        start.wait()
        try:
            accept_stream(container.uow(), principal, stream.id, utcnow())
            outcomes[dealer] = "won"
        except Conflict:
            outcomes[dealer] = "conflict"

    threads = [threading.Thread(target=accept, args=(dealer,)) for dealer in DEALERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [dealer for dealer, outcome in outcomes.items() if outcome == "won"]
    assert len(outcomes) == 20 and len(winners) == 1
    assert list(outcomes.values()).count("conflict") == 19
    with container.uow() as uow:
        stored = uow.streams.get(stream.id)
    assert (stored.status, stored.dealer_id, stored.version) == ("streaming", winners[0], 2)
    assert len(outbox_rows(container, "broker", "stream.accepted")) == 1
    assert len(outbox_rows(container, "pusher", "stream.accepted")) == 1
