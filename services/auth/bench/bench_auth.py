#!/usr/bin/env python3
"""Login and `GET /accounts/me` latency through the gateway, and how long a logout takes to be
refused by the other services, and how long it takes to be stored in their revocation lists (run
by `make bench-auth`).

Needs GATEWAY_URL, API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD (tools/bench.py sets them for the isolated
bench stack); STREAMS_DATABASE_URL and DASHBOARD_DATABASE_URL (optional) for the storage figure.
Sequential requests on one keep-alive connection give latency; a thread pool gives
throughput. Prints median and p95 in milliseconds.
"""
from __future__ import annotations

import concurrent.futures
import os
import statistics
import time

import jwt
import psycopg
import requests
import sqlalchemy as sa

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
    databases = {service: os.environ.get(f"{service.upper()}_DATABASE_URL") for service in ("streams", "dashboard")}
    if all(databases.values()):
        for service, delays in revocation_storage_delays(session, gateway, credentials, databases).items():
            report(f"logout stored by {service}", delays)


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


def revocation_storage_delays(session: requests.Session, gateway: str, credentials: dict,
                              databases: dict[str, str]) -> dict[str, list[float]]:
    """Milliseconds from a logout's answer until each service's database holds the revoked token
    (polled every 0.5 ms on a connection of its own). Unlike the refusal above, this does not
    depend on how long one probe request takes: the refusal polls through the service, so it is
    rounded up to a probe's duration plus the 5 ms pause."""
    connections = {service: psycopg.connect(sa.make_url(url).set(drivername="postgresql")
                                            .render_as_string(hide_password=False), autocommit=True)
                   for service, url in databases.items()}
    delays: dict[str, list[float]] = {service: [] for service in databases}
    try:
        for _ in range(REVOCATIONS):
            token = session.post(f"{gateway}/auth", json=credentials, timeout=10).json()["token"]
            jti = jwt.decode(token, options={"verify_signature": False})["jti"]  # our own token: its id only
            session.post(f"{gateway}/auth/logout", headers={"Authorization": f"JWT {token}"},
                         timeout=10).raise_for_status()
            started, waiting = time.perf_counter(), set(databases)
            while waiting:
                if time.perf_counter() > started + 10:
                    raise SystemExit(f"{sorted(waiting)} did not store a revocation within 10 s")
                for service in list(waiting):
                    if connections[service].execute("SELECT 1 FROM revoked_tokens WHERE jti = %s",
                                                    (jti,)).fetchone():
                        delays[service].append((time.perf_counter() - started) * 1000)
                        waiting.discard(service)
                time.sleep(0.0005)
            time.sleep(0.05)  # let the fan-out of this logout settle before the next
    finally:
        for connection in connections.values():
            connection.close()
    return delays


if __name__ == "__main__":
    main()
