"""One way to run every background process of every service (consumer, relay, worker), and the
shape of the container each service's `bootstrap()` builds for them.

Each service's entrypoints are one line over this module, with the same command lines everywhere:

    python -m dropin_<service>.entrypoints.consumer
    python -m dropin_<service>.entrypoints.relay <destination>    # one of Container.DESTINATIONS
    python -m dropin_streams.entrypoints.worker

`start` is the one way in: JSON logs, the process built from the configuration, then `run`, the one
run loop around it: /metrics, /healthz and /readyz on METRICS_PORT (with the process's own gauges),
SIGTERM/SIGINT to stop, the process's loop until stopped. A configuration the process cannot start
with (dropin_common.config.ConfigError) ends it at once with the message on stderr and exit
status 1, before anything connects. (A wrong command line exits 2, as argparse does.)
"""
from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from . import metrics
from .config import ConfigError, configure_logging

log = logging.getLogger(__name__)


class Process(Protocol):
    """A long-running loop: Consumer, OutboxRelay, a service's worker."""

    def run_forever(self, *, handle_signals: bool = True) -> None: ...

    def stop(self, *_args: Any) -> None: ...

    def collectors(self) -> Sequence[Any]:
        """Metric collectors read at each scrape of its /metrics."""
        ...


class ServiceContainer(Protocol):
    """What every service's `bootstrap()` returns, whatever else it carries: `settings` (with
    `common`, the CommonSettings), `engine`, `tables`, `uow()`, its outbox destinations
    (`DESTINATIONS`), and a factory per kind of process it runs (these two are what the commands
    below need). A service without an outbox has no destinations and its `relay()` raises."""

    def consumer(self) -> Process: ...

    def relay(self, destination: str) -> Process: ...


def run(process: Process) -> None:
    """The body of every background process (see the module's docstring)."""
    metrics.serve_background(None, *process.collectors())
    signal.signal(signal.SIGTERM, process.stop)
    signal.signal(signal.SIGINT, process.stop)
    settle_garbage_collector()
    process.run_forever(handle_signals=False)


def settle_garbage_collector() -> None:
    """Moves everything loaded so far (modules, schemas, compiled statements: objects that live as
    long as the process) out of the collector's reach. Otherwise each full collection walks them
    all again, a pause in the middle of whatever message or request is being handled."""
    gc.collect()
    gc.freeze()


def start(name: str, build: Callable[[], Process]) -> None:
    """Builds the process (reading the configuration), then runs it; a ConfigError stops here."""
    configure_logging()
    try:
        process = build()
    except ConfigError as exc:
        log.error("%s cannot start: %s", name, exc)
        sys.exit(f"{name} cannot start: {exc}")
    run(process)


def consumer_main(service: str, bootstrap: Callable[[], ServiceContainer]) -> None:
    start(f"{service} consumer", lambda: bootstrap().consumer())


def relay_main(service: str, destinations: Sequence[str], bootstrap: Callable[[], ServiceContainer],
               argv: Sequence[str] | None = None) -> None:
    """`python -m dropin_<service>.entrypoints.relay <destination>`: one relay per destination."""
    parser = argparse.ArgumentParser(prog=f"python -m dropin_{service}.entrypoints.relay",
                                     description="Relays the outbox rows of one destination.")
    parser.add_argument("destination", choices=destinations)
    destination = parser.parse_args(argv).destination
    start(f"{service} relay {destination}", lambda: bootstrap().relay(destination))


class PollingWorker:
    """A worker process: calls `step()` until stopped, again at once while it reports a full batch
    (True), else after `poll_seconds`. A database outage is logged and waited out."""

    def __init__(self, name: str, step: Callable[[], bool], poll_seconds: float):
        self._name = name
        self._step = step
        self._poll = poll_seconds
        self._running = True

    def stop(self, *_args: Any) -> None:
        self._running = False

    def collectors(self) -> Sequence[Any]:
        return ()

    def run_forever(self, *, handle_signals: bool = True) -> None:
        if handle_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        log.info("%s started (poll %.1fs)", self._name, self._poll)
        metrics.set_ready(True)
        while self._running:
            metrics.heartbeat()
            try:
                if self._step():
                    continue
            except sa.exc.OperationalError as exc:
                log.warning("database unavailable for the %s: %s", self._name, exc)
            time.sleep(self._poll)


def worker_main(service: str, build: Callable[[], Process]) -> None:
    start(f"{service} worker", build)
