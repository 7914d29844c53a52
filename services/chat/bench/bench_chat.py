#!/usr/bin/env python3
"""Chat benchmark: messages saved per second, and history page latency on a 100,000-message chat.

    make -C services/chat bench                       # in-process, on a throwaway `chat_bench` database
    GATEWAY_URL=... API_KEY=... CHAT_DATABASE_URL=... python bench/bench_chat.py   # through nginx

Through the gateway (what `make bench-chat` / tools/bench.py do), the chat database of that stack
is needed too: streams are put into chat's replica directly and the long chat is bulk-loaded
there, so the figures do not depend on the other services. Prints figures; asserts nothing.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import os
import statistics
import time
import uuid
from collections.abc import Iterator

import requests
import sqlalchemy as sa

from dropin_common.config import CommonSettings
from dropin_common.contracts.golden import example
from dropin_common.events import STREAM_ACCEPTED
from dropin_common.testing import percentile, throwaway_database

from dropin_chat.adapters.repositories import SqlStreamReplicaWriter, history_page_query
from dropin_chat.adapters.schema import MIGRATIONS
from dropin_common.migrations import upgrade_to_head
from dropin_chat.bootstrap import ChatSettings, Container, bootstrap
from dropin_chat.entrypoints.http import create_app
from dropin_chat.use_cases.replicate_streams import apply_stream_event

POSTS = int(os.environ.get("BENCH_POSTS", "3000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
LONG_CHAT = int(os.environ.get("BENCH_LONG_CHAT", "100000"))
PAGE_SAMPLES = int(os.environ.get("BENCH_PAGE_SAMPLES", "300"))
PAGE_LIMIT = 10


class GatewayClient:
    def __init__(self, base_url: str, api_key: str | None):
        self._base = base_url.rstrip("/")
        self._session = requests.Session()
        if api_key:
            self._session.headers["apikey"] = api_key

    def post(self, path: str, body: dict) -> int:
        return self._session.post(self._base + path, json=body, timeout=10).status_code

    def get(self, path: str) -> int:
        return self._session.get(self._base + path, timeout=10).status_code


class InProcessClient:
    def __init__(self, container: Container):
        self._client = create_app(container).test_client()

    def post(self, path: str, body: dict) -> int:
        return self._client.post(path, json=body).status_code

    def get(self, path: str) -> int:
        return self._client.get(path).status_code


@contextlib.contextmanager
def bench_target() -> Iterator[tuple[str, Container, callable]]:
    """(description, a container on the chat database, a factory of clients)."""
    gateway = os.environ.get("GATEWAY_URL")
    if gateway:
        database_url = os.environ.get("CHAT_DATABASE_URL") or os.environ["DATABASE_URL"]
        container = bootstrap(settings(database_url))
        yield f"through the gateway {gateway}", container, lambda: GatewayClient(gateway, os.environ.get("API_KEY"))
        return
    with throwaway_database("chat_bench") as database_url:
        upgrade_to_head(MIGRATIONS, database_url)
        container = bootstrap(settings(database_url))
        try:
            yield "in-process (Flask test client, throwaway database chat_bench)", container, \
                lambda: InProcessClient(container)
        finally:
            container.engine.dispose()


def settings(database_url: str) -> ChatSettings:
    common = CommonSettings.from_env("chat")
    return ChatSettings(common=CommonSettings(**{**common.__dict__, "database_url": database_url}))


def new_stream(container: Container) -> str:
    stream_id = str(uuid.uuid4())
    accepted = example(STREAM_ACCEPTED, id=stream_id, version=2, status="streaming",
                       organizationId="bench-org", dealerId=str(uuid.uuid4()), stoppedAt=None)
    with container.engine.begin() as conn:
        apply_stream_event(accepted, SqlStreamReplicaWriter(conn, container.tables))
    return stream_id


def bulk_load(container: Container, stream_id: str, count: int) -> float:
    started = time.perf_counter()
    with container.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO chat_messages (id, stream_id, sender, body, created_at) "
            "SELECT gen_random_uuid(), :stream, CASE WHEN n % 2 = 0 THEN 'shopper' ELSE 'dealer' END, "
            "'bulk message number ' || n, now() - interval '1 day' + n * interval '1 millisecond' "
            "FROM generate_series(1, :count) AS n"), {"stream": stream_id, "count": count})
        conn.execute(sa.text("UPDATE chat_streams SET message_count = message_count + :count WHERE id = :stream"),
                     {"stream": stream_id, "count": count})
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE chat_messages"))
    return time.perf_counter() - started


def report(label: str, samples: list[float]) -> None:
    print(f"  {label:<34} n={len(samples):<5} median={statistics.median(samples):7.2f} ms  "
          f"p95={percentile(samples, 0.95):7.2f} ms")


def bench_saving(container: Container, clients) -> None:
    streams = [new_stream(container) for _ in range(CONCURRENCY)]

    def sender(stream_id: str) -> list[float]:
        client, samples = clients(), []
        for number in range(POSTS // CONCURRENCY):
            started = time.perf_counter()
            status = client.post(f"/chat/{stream_id}", {"from": "Bench Shopper", "message": f"hello {number}"})
            samples.append((time.perf_counter() - started) * 1000)
            assert status == 201, status
        return samples

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        results = list(pool.map(sender, streams))
    elapsed = time.perf_counter() - started
    samples = [sample for result in results for sample in result]
    print(f"saving: {len(samples)} messages from {CONCURRENCY} concurrent senders, one stream each")
    report("POST /chat/<streamId>", samples)
    print(f"  {'throughput':<34} {len(samples) / elapsed:8.0f} messages/s")


def bench_history(container: Container, clients) -> None:
    stream_id = new_stream(container)
    seconds = bulk_load(container, stream_id, LONG_CHAT)
    print(f"history: {LONG_CHAT} messages bulk-loaded in {seconds:.1f} s; pages of {PAGE_LIMIT}")
    client = clients()
    for label, start in [("first page", 0), ("middle page", LONG_CHAT // 2),
                         ("last page", LONG_CHAT - PAGE_LIMIT)]:
        samples = []
        for _ in range(PAGE_SAMPLES):
            started = time.perf_counter()
            status = client.get(f"/chat/{stream_id}?start={start}&limit={PAGE_LIMIT}")
            samples.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
        report(f"GET {label} (start={start})", samples)
    explain(container, stream_id, "middle page: from the oldest end", LONG_CHAT // 2 - PAGE_LIMIT, False)
    explain(container, stream_id, "last page: from the newest end", 0, True)


def explain(container: Container, stream_id: str, label: str, offset: int, newest_first: bool) -> None:
    query = history_page_query(container.tables["messages"], stream_id, offset, PAGE_LIMIT,
                               newest_first=newest_first)
    with container.engine.connect() as conn:
        sql = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        plan = conn.execute(sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")).scalars().all()
    print(f"EXPLAIN ANALYZE, {label}:")
    for line in plan:
        print(f"  {line}")


def main() -> None:
    with bench_target() as (description, container, clients):
        print(f"chat benchmark, {description}")
        bench_saving(container, clients)
        bench_history(container, clients)


if __name__ == "__main__":
    main()
