#!/usr/bin/env python3
"""What each consumer spends per event of a stream's life: statements, client CPU and PostgreSQL
CPU. Prints figures; asserts nothing.

    python tools/bench_consumers.py                      # dashboard, integrations, chat; 300 streams
    python tools/bench_consumers.py dashboard --streams 1000

The consumers that take stream events run beside the ring path, so every millisecond of CPU they
spend per event is one the next shopper's request may wait for on a small machine. Each service's
real EventProcessor (its inbox, handlers and progress hook, as its consumer process builds them)
applies, on a throwaway database brought to its schema, the events of `--streams` streams in phases:
every stream's `stream.requested`, then every `stream.accepted`, and so on. Per phase it counts the
statements SQLAlchemy sent (a transaction's BEGIN and COMMIT are not statements here) and reads the
CPU time of this process and of its PostgreSQL backends (/proc/<pid>/stat: the server must run on
this machine), so the server's share is measured too. No broker: what pika costs is the same for
every handler.

Env: as the services' own (PG* for the server; a DATABASE_URL is not used, each service gets
its own `<service>_consumer_bench` database).
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cpu_per_request import TICKS, cpu_ticks  # tools/, beside this script

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ServiceConsumer:
    name: str
    package: str
    # the keyword arguments the consumer's entrypoint gives its bootstrap()
    bootstrap_options: tuple[tuple[str, Any], ...] = ()

    @property
    def migrations(self) -> Path:
        return ROOT / "services" / self.name / self.package / "adapters" / "migrations"


CONSUMERS = {consumer.name: consumer for consumer in (
    ServiceConsumer("dashboard", "dropin_dashboard", (("reporting", False),)),
    ServiceConsumer("integrations", "dropin_integrations"),
    ServiceConsumer("chat", "dropin_chat"))}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def stream_life(organization: dict, started: datetime) -> list[tuple[str, dict]]:
    """The events of one stream, in order, as the streams service publishes them (the golden
    examples with this stream's ids, versions and times)."""
    from dropin_common.contracts.golden import golden_envelope

    stream_id = str(uuid.uuid4())
    dealer = golden_envelope("stream.accepted")["data"]["stream"]["dealer"]
    life: list[tuple[str, dict]] = []
    previous: dict = {}
    stream_version = 0
    for step, (event_type, changes) in enumerate((
            ("stream.requested", {"status": "requested"}),
            ("stream.accepted", {"status": "accepted", "dealer": dealer, "dealerId": dealer["id"],
                                 "acceptedAt": _iso(started + timedelta(seconds=7)), "dealersRung": None}),
            ("lead.created", None),
            ("stream.noted", {"note": "Wants a test drive"}),
            ("stream.stopped", {"status": "stopped", "stoppedAt": _iso(started + timedelta(minutes=6)),
                                "stoppedBy": "dealer", "durationSeconds": 353}))):
        envelope = golden_envelope(event_type)
        envelope["id"] = str(uuid.uuid4())
        envelope["occurredAt"] = _iso(started + timedelta(seconds=step))
        if changes is None:
            envelope["data"]["lead"].update(
                id=str(uuid.uuid4()), streamId=stream_id, organizationId=organization["id"],
                organizationName=organization["name"], createdAt=_iso(started + timedelta(minutes=3)))
        else:
            stream_version += 1
            # Each snapshot is the one before with this event's changes, as the stream's state is.
            stream = envelope["data"]["stream"]
            stream.update(copy.deepcopy(previous))
            stream.update(id=stream_id, version=stream_version, organizationId=organization["id"],
                          organizationCode=organization["code"], organizationName=organization["name"],
                          requestedAt=_iso(started), **changes)
            previous = copy.deepcopy(stream)
        life.append((event_type, envelope))
    return life


def backend_cpu_seconds(engine: sa.Engine, database: str) -> float:
    with engine.connect() as conn:
        pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
                            {"d": database}).scalars().all()
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):  # a backend that has just ended
            total += cpu_ticks(pid)
    return total / TICKS


@contextlib.contextmanager
def counting_statements(engine: sa.Engine) -> Iterator[list[int]]:
    count = [0]

    def count_one(*_args):
        count[0] += 1
    sa.event.listen(engine, "before_cursor_execute", count_one)
    try:
        yield count
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_one)


def measure(consumer: ServiceConsumer, streams: int) -> None:
    from dropin_common.consumer import PoisonMessage
    from dropin_common.events import Event
    from dropin_common.testing import TokenFactory, admin_pg_url, migrated_database

    database = f"{consumer.name}_consumer_bench"
    with migrated_database(database, consumer.migrations) as url:
        os.environ[f"{consumer.name.upper()}_DATABASE_URL"] = url
        os.environ.setdefault("JWT_PUBLIC_KEY", TokenFactory().public_pem)  # the web side's; never used here
        bootstrap = __import__(f"{consumer.package}.bootstrap", fromlist=["bootstrap"]).bootstrap
        container = bootstrap(**dict(consumer.bootstrap_options))
        processor = container.consumer().processor
        engine = container.engine
        watcher = sa.create_engine(admin_pg_url(), poolclass=sa.pool.NullPool)
        name = sa.engine.make_url(url).database

        from dropin_common.contracts.golden import golden_envelope
        created = golden_envelope("organization.created")
        organization = created["data"]["organization"]
        with contextlib.suppress(PoisonMessage):  # not every consumer keeps organizations
            processor.process(Event.from_envelope(created))
        started = datetime.now(timezone.utc) - timedelta(days=2)
        lives = [stream_life(organization, started + timedelta(minutes=n)) for n in range(streams)]
        # one warm-up stream: caches, prepared statements
        for _kind, envelope in stream_life(organization, started - timedelta(days=1)):
            with contextlib.suppress(PoisonMessage):  # a type this consumer does not take
                processor.process(Event.from_envelope(envelope))

        print(f"{consumer.name}: {streams} streams", flush=True)
        for phase in range(len(lives[0])):
            kind = lives[0][phase][0]
            events = [Event.from_envelope(life[phase][1]) for life in lives]
            try:
                processor.handler_for(events[0])
            except PoisonMessage:
                print(f"  {kind:<18} not taken by this consumer", flush=True)
                continue
            server_before, client_before = backend_cpu_seconds(watcher, name), time.process_time()
            wall_before = time.perf_counter()
            with counting_statements(engine) as count:
                outcomes = {processor.process(event) for event in events}
            wall = time.perf_counter() - wall_before
            client = time.process_time() - client_before
            server = backend_cpu_seconds(watcher, name) - server_before
            print(f"  {kind:<18} {','.join(sorted(outcomes)):<9} statements/event={count[0] / streams:5.1f}  "
                  f"client CPU={client / streams * 1000:6.2f} ms  PostgreSQL CPU={server / streams * 1000:6.2f} ms  "
                  f"wall={wall / streams * 1000:6.2f} ms", flush=True)
        engine.dispose()
        watcher.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("services", nargs="*", help=f"any of {', '.join(CONSUMERS)} (default: all)")
    parser.add_argument("--streams", type=int, default=300)
    args = parser.parse_args()
    unknown = sorted(set(args.services) - set(CONSUMERS))
    if unknown:
        parser.error(f"no consumer bench for {', '.join(unknown)}; choose from {', '.join(CONSUMERS)}")
    for name in args.services or CONSUMERS:
        measure(CONSUMERS[name], args.streams)


if __name__ == "__main__":
    sys.exit(main())
