"""`python -m dropin_streams.entrypoints.worker`: ends streams nobody answered (missed) and
streams whose dealer stopped pinging (expired), and reports online dealers who stopped pinging
(dealer.presence_lapsed: auth switches them offline). Several workers may run: rows are claimed with
FOR UPDATE SKIP LOCKED, so each overdue stream is ended exactly once."""
from __future__ import annotations

import logging

from dropin_common import metrics
from dropin_common.process import PollingWorker, worker_main

from ..bootstrap import Container, bootstrap
from ..use_cases.presence import lapse_silent_dealers
from ..use_cases.stop_stream import end_overdue_streams

log = logging.getLogger("dropin.streams.worker")


class ExpiryWorker:
    """One pass at a time (`run_once`); `process()` is the worker process that repeats it."""

    def __init__(self, container: Container, batch_size: int = 100):
        self._container = container
        self._batch_size = batch_size

    def run_once(self) -> int:
        """One pass; returns the largest batch it handled (streams ended, dealers lapsed). Full
        batches are followed at once."""
        settings = self._container.settings
        ended = end_overdue_streams(self._container.uow(), self._container.clock(),
                                    ring_timeout=settings.ring_timeout, ping_timeout=settings.ping_timeout,
                                    batch_size=self._batch_size)
        for stream in ended:
            metrics.STREAMS.labels(stream.status).inc()  # missed | expired
            log.info("stream %s ended by the worker: %s", stream.id, stream.status)
        lapsed = lapse_silent_dealers(self._container.uow(), self._container.clock(),
                                      settings.ringing.presence, self._batch_size)
        for account in lapsed:
            log.info("dealer %s sent no ping for %ss: reported offline", account.id,
                     int(settings.presence_timeout.total_seconds()))
        return max(len(ended), len(lapsed))

    def process(self) -> PollingWorker:
        return PollingWorker("stream worker", lambda: self.run_once() == self._batch_size,
                             self._container.settings.worker_poll_seconds)


def main() -> None:
    worker_main("streams", lambda: ExpiryWorker(bootstrap(pool_size=2)).process())


if __name__ == "__main__":
    main()
