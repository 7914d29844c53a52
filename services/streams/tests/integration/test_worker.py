"""The expiry worker on real PostgreSQL: short timeouts, several workers at once, its own process."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from dropin_common.auth import Principal
from dropin_common.testing import wait_until
from dropin_common.timeutil import utcnow
from dropin_streams.bootstrap import Container
from dropin_streams.entrypoints.worker import ExpiryWorker
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.request_stream import RequestStream, request_stream
from dropin_streams.use_cases.stop_stream import end_overdue_streams
from dropin_streams.use_cases.stream_activity import record_ping

from .conftest import outbox_rows, seed_dealer, seed_organization

VIN = "1HGCM82633A004352"
ALICE = Principal("alice", "dealer", "org-1", "jti-alice", 0, 2e9)
SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def short_timeouts(container) -> Container:
    seed_organization(container)
    seed_dealer(container, "alice")
    settings = replace(container.settings, ring_timeout=timedelta(seconds=1), ping_timeout=timedelta(seconds=1))
    return replace(container, settings=settings)


def new_stream(container, requested_at=None) -> str:
    request = RequestStream("ACME", VIN)
    return request_stream(container.uow(), container.decoder, request, requested_at or utcnow()).stream.id


def status_of(container, stream_id):
    with container.uow() as uow:
        return uow.streams.get(stream_id)


def end_overdue_at(container, now) -> list[str]:
    """One worker pass as if the clock read `now`: deterministic, however loaded the machine."""
    settings = container.settings
    return [stream.id for stream in end_overdue_streams(
        container.uow(), now, ring_timeout=settings.ring_timeout, ping_timeout=settings.ping_timeout)]


def test_a_request_nobody_accepts_is_missed_after_the_ring_timeout(short_timeouts):
    requested_at = utcnow()
    stream_id = new_stream(short_timeouts, requested_at)
    assert end_overdue_at(short_timeouts, requested_at + timedelta(seconds=0.9)) == []
    assert end_overdue_at(short_timeouts, requested_at + timedelta(seconds=1.1)) == [stream_id]
    stream = status_of(short_timeouts, stream_id)
    assert (stream.status, stream.stopped_by) == ("missed", "system")
    [event] = outbox_rows(short_timeouts, "broker", "stream.stopped")
    assert event.payload["data"]["stream"]["status"] == "missed"
    assert outbox_rows(short_timeouts, "pusher", "stream.stopped")


def test_a_silent_dealers_stream_expires_while_a_pinging_one_lives_on(short_timeouts):
    started = utcnow()
    silent = new_stream(short_timeouts, started)
    accept_stream(short_timeouts.uow(), ALICE, silent, started)
    seed_dealer(short_timeouts, "bob")
    bob = Principal("bob", "dealer", "org-1", "j", 0, 2e9)
    pinging = new_stream(short_timeouts, started)
    accept_stream(short_timeouts.uow(), bob, pinging, started)
    record_ping(short_timeouts.uow(), bob, started + timedelta(seconds=0.8))

    assert end_overdue_at(short_timeouts, started + timedelta(seconds=1.5)) == [silent]
    assert status_of(short_timeouts, silent).status == "expired"
    assert status_of(short_timeouts, pinging).status == "streaming"


def test_several_workers_end_each_overdue_stream_exactly_once(short_timeouts):
    stream_ids = [new_stream(short_timeouts) for _ in range(30)]
    time.sleep(1.2)
    workers = [ExpiryWorker(short_timeouts, batch_size=4) for _ in range(3)]
    ended: list[int] = []

    def drain(worker):
        while (count := worker.run_once()):
            ended.append(count)

    threads = [threading.Thread(target=drain, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(ended) == 30
    assert all(status_of(short_timeouts, sid).status == "missed" for sid in stream_ids)
    assert len(outbox_rows(short_timeouts, "broker", "stream.stopped")) == 30


def test_the_worker_process_expires_streams_on_its_own(short_timeouts, database_url, tokens, tmp_path):
    stream_id = new_stream(short_timeouts)
    (tmp_path / "jwt.pub.pem").write_text(tokens.public_pem)
    env = {**os.environ, "DATABASE_URL": database_url, "STREAM_RING_TIMEOUT_SECONDS": "1",
           "STREAM_WORKER_POLL_SECONDS": "0.2", "JWT_PUBLIC_KEY_FILE": str(tmp_path / "jwt.pub.pem")}
    process = subprocess.Popen([sys.executable, "-m", "dropin_streams.entrypoints.worker"], cwd=SERVICE_DIR,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: status_of(short_timeouts, stream_id).status == "missed", timeout=10,
                   message="the worker process to miss the stream")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_the_worker_reports_online_dealers_who_stopped_pinging(container):
    seed_organization(container)
    seed_dealer(container, "alice")
    seed_dealer(container, "bob")
    with container.engine.begin() as conn:  # both switched online a minute ago...
        conn.execute(container.tables["accounts"].update().values(updated_at=utcnow() - timedelta(minutes=1)))
    record_ping(container.uow(), Principal("bob", "dealer", "org-1", "jti-bob", 0, 2e9), utcnow())  # ...bob pings
    settings = replace(container.settings, presence_timeout=timedelta(seconds=30))
    worker = ExpiryWorker(replace(container, settings=settings))
    assert worker.run_once() == 1
    [lapsed] = [row.payload["data"] for row in outbox_rows(container, "broker", "dealer.presence_lapsed")]
    assert lapsed["accountId"] == "alice" and lapsed["timeoutSeconds"] == 30
    with container.uow() as uow:
        assert uow.accounts.get("alice").account_status == "offline"
        assert [a.id for a in uow.accounts.online_active_dealers("org-1", utcnow() - timedelta(seconds=30))] == ["bob"]
    worker.run_once()
    assert len(outbox_rows(container, "broker", "dealer.presence_lapsed")) == 1  # reported once
