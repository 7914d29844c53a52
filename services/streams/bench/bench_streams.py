#!/usr/bin/env python3
"""Streams benchmark through the gateway. Prints median/p95 figures; asserts nothing.

Measures, on loopback only and with bounded loops:
  1. request -> Pusher: time from POST /streams/request until the (fake) Pusher API received the
     stream.requested trigger (its arrival time, read at PUSHER_RECEIVED_URL, the fake's GET /_received);
  2. accept under contention: 20 dealers accept the same stream at once, ROUNDS times;
  3. GET /streams/:id throughput and latency, against a minimal Flask app doing one primary-key
     SELECT on the same database behind the same nginx (path /__baseline/), and their ratio;
  4. a request to a closed organization (holidays): answered `missed` at once, without ringing.
Dealers ping every 30 s throughout, as the apps do, so they stay online for ringing.

Env: GATEWAY_URL, API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD, PUSHER_RECEIVED_URL (optional: skips 1),
BASELINE_PORT and STREAMS_DATABASE_URL (optional: skip the baseline), BENCH_ROUNDS, BENCH_READS,
BENCH_CLIENTS, WEB_CONCURRENCY.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from dropin_common.testing import percentile

VIN = "1HGCM82633A004352"
DEALERS = 20
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
READS = int(os.environ.get("BENCH_READS", "3000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
READ_SLICES = 3
GATEWAY = os.environ["GATEWAY_URL"].rstrip("/")
API_KEY = os.environ["API_KEY"]


class Client:
    def __init__(self, token: str | None = None):
        self._session = requests.Session()
        self._session.headers["apikey"] = API_KEY
        if token:
            self._session.headers["Authorization"] = f"JWT {token}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self._session.request(method, GATEWAY + path, timeout=15, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs) -> dict:
        response = self.call(method, path, **kwargs)
        if response.status_code != status:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json()


def figures(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return (f"{name:<44} n={len(ms):<5} median={statistics.median(ms):8.2f} ms  "
            f"p95={percentile(ms, 0.95):8.2f} ms  max={ms[-1]:8.2f} ms")


def wait_until(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit("timed out waiting for the stack")


# --- setup -----------------------------------------------------------------------------------

def setup() -> tuple[Client, dict, list[Client], Client]:
    anonymous = Client()
    admin_token = anonymous.ok("POST", "/auth", json={"email": os.environ["ADMIN_EMAIL"],
                                                       "password": os.environ["ADMIN_PASSWORD"]})["token"]
    admin = Client(admin_token)
    code = f"bench{uuid.uuid4().hex[:8]}"
    organization = admin.ok("POST", "/organizations", 201, json={"name": f"Bench {code}", "code": code,
                                                                  "loanLink": "https://loans.example/bench"})
    dealers, tokens = [], []
    for n in range(DEALERS):
        name = f"{code}d{n}"
        account = anonymous.ok("POST", "/auth/register", 201, json={
            "email": f"{name}@example.com", "password": "bench-password", "firstName": "Bench",
            "lastName": f"Dealer{n}", "username": name})
        admin.ok("PATCH", f"/accounts/{account['id']}", json={"status": "active", "organizationId": organization["id"]})
        login = {"email": f"{name}@example.com", "password": "bench-password"}
        token = anonymous.ok("POST", "/auth", json=login)["token"]
        dealer = Client(token)
        dealer.ok("POST", "/accounts/status/online")
        dealers.append(dealer)
        tokens.append(token)

    def all_dealers_ring():
        response = anonymous.call("POST", f"/streams/request/{code}", json={"vin": VIN})
        return response.status_code == 201 and response.json()["notifiedDealers"] == DEALERS
    threading.Thread(target=keep_pinging, args=(tokens,), daemon=True).start()
    wait_until(all_dealers_ring, timeout=30, interval=0.5)
    return anonymous, organization, dealers, admin


def keep_pinging(tokens: list[str], every: float = 30.0) -> None:
    """Online dealers ping, or they stop ringing after PRESENCE_TIMEOUT_SECONDS (own sessions:
    the accepting threads use theirs meanwhile)."""
    dealers = [Client(token) for token in tokens]
    while True:
        for dealer in dealers:
            dealer.call("POST", "/ping")
        time.sleep(every)


def closed_organization(admin: Client) -> str:
    code = f"closed{uuid.uuid4().hex[:8]}"
    today = datetime.now(timezone.utc).date()
    holidays = [(today + timedelta(days=offset)).isoformat() for offset in (-1, 0, 1)]
    admin.ok("POST", "/organizations", 201, json={"name": f"Closed {code}", "code": code, "holidays": holidays})
    wait_until(lambda: Client().call("GET", f"/streams/availability/{code}").status_code == 200, timeout=30)
    return code


def bench_closed_request(shopper: Client, code: str) -> list[float]:
    latencies = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        body = shopper.ok("POST", f"/streams/request/{code}", 201, json={"vin": VIN})
        latencies.append(time.perf_counter() - started)
        if body["missedReason"] != "closed":
            raise SystemExit(f"a closed organization's request was not missed/closed: {body}")
    return latencies


# --- 1. request -> Pusher --------------------------------------------------------------------

def bench_request_to_pusher(shopper: Client, code: str) -> list[float]:
    """From just before the POST to the stand-in's arrival time of the trigger (both wall clock on
    this machine). The stand-in is polled every 5 ms for new events only, so the poll neither
    rounds the figure up nor loads the machine under test."""
    received_url = os.environ["PUSHER_RECEIVED_URL"]
    poller = requests.Session()
    seen = poller.get(received_url, timeout=5).json()["count"]
    delays = []
    for _ in range(ROUNDS):
        started = time.time()
        stream_id = shopper.ok("POST", f"/streams/request/{code}", 201, json={"vin": VIN})["id"]
        deadline, arrived_at = time.monotonic() + 10, None
        while arrived_at is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"stream {stream_id} never reached Pusher")
            time.sleep(0.005)
            page = poller.get(received_url, params={"after": seen}, timeout=5).json()
            seen = page["count"]
            arrived_at = next((event["receivedAt"] for event in page["events"]
                               if event["name"] == "stream.requested" and event["data"].get("id") == stream_id),
                              None)
        delays.append(arrived_at - started)
    return delays


# --- 2. accept under contention ----------------------------------------------------------------

def bench_accept(shopper: Client, code: str, dealers: list[Client]) -> tuple[list[float], list[float]]:
    all_latencies, winner_latencies = [], []
    with ThreadPoolExecutor(max_workers=DEALERS) as pool:
        for _ in range(ROUNDS):
            stream_id = shopper.ok("POST", f"/streams/request/{code}", 201, json={"vin": VIN})["id"]
            start = threading.Barrier(DEALERS)

            def accept(dealer: Client):
                start.wait()
                began = time.perf_counter()
                status = dealer.call("POST", f"/streams/accept/{stream_id}").status_code
                return status, time.perf_counter() - began
            results = list(pool.map(accept, dealers))
            statuses = sorted(status for status, _ in results)
            if statuses != [200] + [409] * (DEALERS - 1):
                raise SystemExit(f"accept was not first-wins: {statuses}")
            all_latencies += [elapsed for _, elapsed in results]
            winner_latencies += [elapsed for status, elapsed in results if status == 200]
    return all_latencies, winner_latencies


# --- 3. reads --------------------------------------------------------------------------------

def bench_reads(path: str, count: int) -> tuple[float, list[float]]:
    """Total requests/second and per-request latencies of `count` GETs from CLIENTS threads."""
    per_client = count // CLIENTS

    def run(_n):
        client, latencies = Client(), []
        for _ in range(per_client):
            began = time.perf_counter()
            response = client.call("GET", path)
            latencies.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise SystemExit(f"GET {path}: {response.status_code}")
        return latencies
    Client().ok("GET", path)  # warm up connections and caches once
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        latencies = [value for chunk in pool.map(run, range(CLIENTS)) for value in chunk]
    return len(latencies) / (time.perf_counter() - started), latencies


def start_baseline() -> subprocess.Popen | None:
    port, database_url = os.environ.get("BASELINE_PORT"), os.environ.get("STREAMS_DATABASE_URL")
    if not port or not database_url:
        return None
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-k", "gthread", "-w", os.environ.get("WEB_CONCURRENCY", "2"), "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "baseline_app:create_app()"],
        cwd=Path(__file__).parent, env={**os.environ, "BASELINE_DATABASE_URL": database_url})
    return process


def main() -> None:
    print(f"streams benchmark via {GATEWAY}: {ROUNDS} rounds, {READS} reads from {CLIENTS} clients", flush=True)
    shopper, organization, dealers, admin = setup()
    code = organization["code"]
    if os.environ.get("PUSHER_RECEIVED_URL"):
        print(figures("request -> Pusher trigger received", bench_request_to_pusher(shopper, code)), flush=True)
    every, winners = bench_accept(shopper, code, dealers)
    print(figures(f"accept, {DEALERS} concurrent dealers (all answers)", every), flush=True)
    print(figures("accept, the winning dealer", winners), flush=True)
    closed = bench_closed_request(shopper, closed_organization(admin))
    print(figures("request to a closed organization (missed)", closed), flush=True)

    stream_id = shopper.ok("POST", f"/streams/request/{code}", 201, json={"vin": VIN})["id"]
    service_path, baseline_path = f"/streams/{stream_id}", f"/__baseline/streams/{stream_id}"
    baseline = start_baseline()
    if baseline is None:
        rps, latencies = bench_reads(service_path)
        print(figures("GET /streams/:id", latencies) + f"  {rps:8.1f} req/s")
        print("baseline skipped (BASELINE_PORT / STREAMS_DATABASE_URL not set)")
        return
    try:
        wait_until(lambda: Client().call("GET", baseline_path).status_code == 200, timeout=20)
        # Alternate the two in slices, so a noisy neighbour on the machine weighs on both alike.
        measured = {service_path: ([], []), baseline_path: ([], [])}
        for _ in range(READ_SLICES):
            for path, (rates, latencies) in measured.items():
                rps, slice_latencies = bench_reads(path, READS // READ_SLICES)
                rates.append(rps)
                latencies.extend(slice_latencies)
    finally:
        baseline.terminate()
        baseline.wait(timeout=10)
    (rates, latencies), (base_rates, base_latencies) = measured[service_path], measured[baseline_path]
    rps, base_rps = statistics.median(rates), statistics.median(base_rates)
    print(figures("GET /streams/:id", latencies) + f"  {rps:8.1f} req/s (median of {READ_SLICES} slices)")
    print(figures("baseline: Flask + one PK SELECT", base_latencies) + f"  {base_rps:8.1f} req/s")
    print(f"GET /streams/:id throughput is {rps / base_rps:.2f}x the baseline's "
          f"(median latency {statistics.median(latencies) / statistics.median(base_latencies):.2f}x)")


if __name__ == "__main__":
    main()
