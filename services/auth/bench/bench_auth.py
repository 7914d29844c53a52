#!/usr/bin/env python3
"""Login and `GET /accounts/me` latency through the gateway, and how long a logout takes to be
refused by the other services (run by `make bench-auth`).

Needs GATEWAY_URL, API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD (tools/bench.py sets them for the isolated
bench stack). Sequential requests on one keep-alive connection give latency; a thread pool gives
throughput. Prints median and p95 in milliseconds.
"""
from __future__ import annotations

import concurrent.futures
import os
import statistics
import time

import requests

from dropin_common.testing import percentile

LOGINS = int(os.environ.get("BENCH_LOGINS", "200"))
ME_REQUESTS = int(os.environ.get("BENCH_ME_REQUESTS", "2000"))
REVOCATIONS = int(os.environ.get("BENCH_REVOCATIONS", "20"))
# One authenticated read per other service that accepts tokens.
REVOCATION_PROBES = ("/streams", "/dashboard/countallcalllead")
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))


def report(label: str, samples: list[float]) -> None:
    print(f"{label:<32} n={len(samples):<6} median={statistics.median(samples):7.2f} ms  "
          f"p95={percentile(samples, 0.95):7.2f} ms")


def main() -> None:
    gateway, key = os.environ["GATEWAY_URL"], os.environ["API_KEY"]
    credentials = {"email": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"]}
    session = requests.Session()
    session.headers["apikey"] = key

    login_ms = []
    for _ in range(LOGINS):
        started = time.perf_counter()
        response = session.post(f"{gateway}/auth", json=credentials, timeout=10)
        login_ms.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    token = response.json()["token"]
    report("POST /auth (login, argon2)", login_ms)

    headers = {"Authorization": f"JWT {token}"}
    me_ms = []
    for _ in range(ME_REQUESTS):
        started = time.perf_counter()
        session.get(f"{gateway}/accounts/me", headers=headers, timeout=10).raise_for_status()
        me_ms.append((time.perf_counter() - started) * 1000)
    report("GET /accounts/me (sequential)", me_ms)

    def worker(count: int) -> list[float]:
        own = requests.Session()
        own.headers.update({"apikey": key, **headers})
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            own.get(f"{gateway}/accounts/me", timeout=10).raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        results = list(pool.map(worker, [ME_REQUESTS // CONCURRENCY] * CONCURRENCY))
    elapsed = time.perf_counter() - started
    samples = [sample for result in results for sample in result]
    report(f"GET /accounts/me ({CONCURRENCY} clients)", samples)
    print(f"{'GET /accounts/me throughput':<32} {len(samples) / elapsed:8.0f} requests/s")

    for probe in REVOCATION_PROBES:
        report(f"logout refused by {probe}", revocation_delays(session, gateway, credentials, probe))


def revocation_delays(session: requests.Session, gateway: str, credentials: dict, probe: str) -> list[float]:
    """Milliseconds from a logout's answer until `probe` refuses the token (polled every 5 ms)."""
    delays = []
    for _ in range(REVOCATIONS):
        token = session.post(f"{gateway}/auth", json=credentials, timeout=10).json()["token"]
        headers = {"Authorization": f"JWT {token}"}
        session.get(f"{gateway}{probe}", headers=headers, timeout=10).raise_for_status()
        session.post(f"{gateway}/auth/logout", headers=headers, timeout=10).raise_for_status()
        started = time.perf_counter()
        deadline = started + 10
        while session.get(f"{gateway}{probe}", headers=headers, timeout=10).status_code != 401:
            if time.perf_counter() > deadline:
                raise SystemExit(f"{probe} still accepts a logged-out token after 10 s")
            time.sleep(0.005)
        delays.append((time.perf_counter() - started) * 1000)
    return delays


if __name__ == "__main__":
    main()
