#!/usr/bin/env python3
"""Dashboard benchmark: latency of every endpoint on a million calls and a million leads, CSV
export throughput against PostgreSQL's own COPY, peak memory while exporting, and (with a running
stack) how long a stopped stream takes to show in the dashboard's counts.

    make -C services/dashboard bench            # BENCH_ROWS=200000 for a quicker run

It creates (and drops at the end, unless BENCH_KEEP_DB=1) its own database `dashboard_bench_1m`,
migrated with the service's migrations, bulk-loads it with INSERT ... SELECT generate_series (indexes
built after the load), and drives the real Flask app in-process through its test client, with an
admin JWT from a key pair made here. Loopback only; every loop is bounded.

Propagation (only when GATEWAY_URL, API_KEY, ADMIN_EMAIL and ADMIN_PASSWORD are set, e.g. by
`python tools/bench.py dashboard`): requests and stops streams through the gateway and times how long
until GET /dashboard/countcall counts each stopped stream.
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import sqlalchemy as sa

from dropin_common.auth import ROLE_ADMIN
from dropin_common.config import CommonSettings
from dropin_common.migrations import upgrade_to_head
from dropin_common.testing import TokenFactory, admin_pg_url, percentile
from dropin_dashboard.adapters.criteria import call_columns, lead_columns
from dropin_dashboard.adapters.csv_export import call_csv_columns, lead_csv_columns
from dropin_dashboard.bootstrap import bootstrap
from dropin_dashboard.entrypoints.http import create_app

SERVICE_DIR = Path(__file__).resolve().parents[1]
DATABASE = "dashboard_bench_1m"  # not the bench stack's dropin_dashboard_bench
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "40"))
WARMUP = 3
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
PROPAGATION_SAMPLES = int(os.environ.get("BENCH_PROPAGATION_SAMPLES", "20"))

FIRST_NAMES = ["Lan", "Minh", "Hoa", "Bao", "Anh", "Tuan", "Linh", "Huong", "James", "Mary", "John", "Patricia",
               "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara", "Richard",
               "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy",
               "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Donald", "Sandra", "Steven", "Ashley"]
LAST_NAMES = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do", "Smith", "Johnson",
              "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
              "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
              "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson"]
VEHICLES = [("Toyota", "Camry", "Sedan"), ("Toyota", "RAV4", "SUV"), ("Honda", "Civic", "Sedan"),
            ("Honda", "CR-V", "SUV"), ("Ford", "F-150", "Truck"), ("Ford", "Mustang", "Coupe"),
            ("Kia", "Sorento", "SUV"), ("Hyundai", "Elantra", "Sedan"), ("Mazda", "CX-5", "SUV"),
            ("Chevrolet", "Silverado", "Truck")]
BRANDS = ["Sunrise", "Riverside", "Harbor", "Galaxy", "Summit", "Metro", "Valley", "Coastal", "Pioneer", "Liberty"]
ORGANIZATIONS = 200


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


# Ended statuses dominate, as on a real dashboard; times spread over two years in insertion order,
# as the consumer writes calls when streams are requested.
ROW_SOURCE = f"""
  SELECT n,
         'c' || lpad(n::text, 8, '0') AS call_id,
         ((n * 7919) % {ORGANIZATIONS})::int AS org,
         (1 + (n * 13) % {len(VEHICLES)})::int AS car,
         (ARRAY['completed','completed','completed','missed','missed','expired','streaming','requested'])
           [(1 + (n * 11) % 8)::int] AS status,
         timestamptz '2024-06-01 00:00Z' + n * (interval '730 days' / {ROWS}) AS requested_at,
         ({sql_array(FIRST_NAMES)})[(1 + (n * 31) % {len(FIRST_NAMES)})::int] AS first_name,
         ({sql_array(LAST_NAMES)})[(1 + (n * 17) % {len(LAST_NAMES)})::int] AS last_name,
         '+1 555 ' || lpad(((n * 7907) % 10000000)::text, 7, '0') AS phone,
         upper(substr(md5(n::text), 1, 17)) AS vin,
         (60 + (n * 37) % 900)::int AS duration
    FROM generate_series(1::bigint, {ROWS}) AS n"""
VEHICLE_PARTS = (f"({sql_array([v[0] for v in VEHICLES])})[car]", f"({sql_array([v[1] for v in VEHICLES])})[car]",
                 f"({sql_array([v[2] for v in VEHICLES])})[car]")
ORG_NAME = f"({sql_array(BRANDS)})[1 + org % {len(BRANDS)}] || ' Motors ' || org"

LOAD_CALLS = f"""
INSERT INTO calls (id, version, organization_id, organization_code, organization_name, vin, vehicle_make,
                   vehicle_model, vehicle_type, vehicle_year, status, dealer_id, dealer_first_name,
                   dealer_last_name, requested_at, accepted_at, stopped_at, stopped_by, note, duration_seconds,
                   first_name, last_name, email, phone)
SELECT call_id, 3, 'org-' || org, 'code' || org, {ORG_NAME}, vin, {VEHICLE_PARTS[0]}, {VEHICLE_PARTS[1]},
       {VEHICLE_PARTS[2]}, 2010 + n % 15, status, 'dealer-' || (n % 2000), 'Dana', 'Dealer' || (n % 2000),
       requested_at, requested_at + interval '20 seconds', requested_at + duration * interval '1 second',
       'dealer', CASE WHEN n % 10 = 0 THEN 'Follow up next week' END, duration,
       first_name, last_name, lower(first_name) || '.' || n || '@example.com', phone
  FROM ({ROW_SOURCE}) AS source"""
LOAD_LEADS = f"""
INSERT INTO leads (id, stream_id, organization_id, organization_name, vin, vehicle_make, vehicle_model,
                   vehicle_type, vehicle_year, first_name, last_name, email, phone, comment, created_at,
                   call_status)
SELECT 'l' || lpad(n::text, 8, '0'), call_id, 'org-' || org, {ORG_NAME}, vin, {VEHICLE_PARTS[0]},
       {VEHICLE_PARTS[1]}, {VEHICLE_PARTS[2]}, 2010 + n % 15, first_name, last_name,
       lower(first_name) || '.' || n || '@example.com', phone, 'Interested, call me', 
       requested_at + interval '10 minutes', status
  FROM ({ROW_SOURCE}) AS source"""
LOAD_DIRECTORY = f"""
INSERT INTO organizations (id, name, code, loan_link, created_at, updated_at)
SELECT 'org-' || org, {ORG_NAME}, 'code' || org, 'https://loans.example/' || org,
       timestamptz '2024-01-01' + org * interval '1 day', now()
  FROM generate_series(0, {ORGANIZATIONS - 1}) AS org;
INSERT INTO dealers (id, email, first_name, last_name, phone, role, status, account_status, organization_id,
                     created_at, updated_at)
SELECT 'dealer-' || n, 'dealer' || n || '@example.com', 'Dana', 'Dealer' || n, '+1 555 000 0000', 'dealer',
       'active', CASE WHEN n % 3 = 0 THEN 'online' ELSE 'offline' END, 'org-' || (n % {ORGANIZATIONS}), now(), now()
  FROM generate_series(0, 1999) AS n"""


# ---------------------------------------------------------------------------------------- setup

def create_database() -> tuple[str, bool]:
    """The bench database's URL, and whether it still needs loading (BENCH_REUSE_DB=1 keeps a
    database left by a run with BENCH_KEEP_DB=1)."""
    admin = sa.create_engine(admin_pg_url(), isolation_level="AUTOCOMMIT")
    url = admin.url.set(database=DATABASE).render_as_string(hide_password=False)
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": DATABASE}).first()
        if exists and os.environ.get("BENCH_REUSE_DB") == "1":
            return url, False
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    upgrade_to_head(SERVICE_DIR / "dropin_dashboard/adapters/migrations", url)
    return url, True


def drop_database() -> None:
    admin = sa.create_engine(admin_pg_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def bulk_load(container) -> None:
    """Load with the secondary indexes dropped, then build them (much faster than row by row)."""
    engine = container.engine
    with engine.begin() as conn:
        indexes = conn.execute(sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('calls','leads','organizations',"
            "'dealers') AND indexname NOT LIKE '%pkey'")).all()
        for name, _ in indexes:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
    for label, sql in (("calls", LOAD_CALLS), ("leads", LOAD_LEADS), ("organizations+dealers", LOAD_DIRECTORY)):
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
            for statement in sql.split(";\n"):
                conn.execute(sa.text(statement))
        print(f"  loaded {label} in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _, definition in indexes:
            conn.execute(sa.text(definition))
    print(f"  built {len(indexes)} indexes in {time.perf_counter() - started:.1f} s", flush=True)
    container.maintenance.recount_periods()  # the consumer keeps these as it inserts; a bulk load does not
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))  # visibility map for index-only counts, fresh stats


def admin_token() -> tuple[str, str]:
    tokens = TokenFactory()
    return tokens.public_pem, tokens.issue("bench-admin", ROLE_ADMIN, ttl_seconds=7200)


# -------------------------------------------------------------------------------------- figures

LATENCY_CASES = [
    ("getcalls", {}), ("getcalls", {"name": "guy"}), ("getcalls", {"name": "robinson"}),
    ("getcalls", {"phone": "4242"}), ("getcalls", {"organizationName": "harbor motors 12"}),
    ("getcalls", {"status": "missed,expired"}), ("getcalls", {"carMake": "toyota", "carModel": "rav4"}),
    ("getcalls", {"carType": "truck"}), ("getcalls", {"vin": "A1B2"}),
    ("getcalls", {"from": "2025-03-01", "to": "2025-03-07", "timezoneoffset": -420}),
    ("getcalls", {"from": "2025-03-01", "to": "2025-03-31", "timezoneoffset": 300, "name": "tran",
                  "status": "completed"}),
    ("getcalls", {"skip": 2000, "limit": 100}),
    ("countcall", {}), ("countcall", {"name": "guy"}), ("countcall", {"phone": "4242"}),
    ("countcall", {"organizationName": "harbor"}), ("countcall", {"status": "missed,expired"}),
    ("countcall", {"carMake": "toyota"}), ("countcall", {"vin": "A1B2"}),
    ("countcall", {"from": "2025-03-01", "to": "2025-03-07", "timezoneoffset": -420}),
    ("getleads", {}), ("getleads", {"name": "nguyen"}), ("getleads", {"status": "completed", "carMake": "honda"}),
    ("getleads", {"from": "2025-03-01", "to": "2025-03-07", "timezoneoffset": -420}),
    ("countlead", {}), ("countlead", {"name": "nguyen"}), ("countlead", {"status": "missed"}),
    ("countlead", {"from": "2025-03-01", "to": "2025-03-31", "timezoneoffset": -420}),
    ("countcalllead", {"from": "2025-03-01", "to": "2025-03-31", "timezoneoffset": -420}),
    ("countcalllead", {"from": "2024-06-01", "to": "2026-06-01"}),
    ("countallcalllead", {}),
    ("getorganizations", {}), ("getorganizations", {"name": "harbor"}),
]


def measure_latencies(client, headers) -> list[tuple[str, float, float, int]]:
    results = []
    for endpoint, params in LATENCY_CASES:
        samples = []
        for attempt in range(WARMUP + ITERATIONS):
            started = time.perf_counter()
            response = client.get(f"/dashboard/{endpoint}", headers=headers, query_string=params)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{endpoint} {params}: {response.status_code} {response.get_data(as_text=True)}")
            if attempt >= WARMUP:
                samples.append(elapsed)
        label = f"{endpoint} {params}" if params else endpoint
        results.append((label, statistics.median(samples), percentile(samples, 0.95), ITERATIONS))
    return results


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """Peak resident memory of this process, sampled every 5 ms while a block runs."""

    def __enter__(self):
        self.peak = current_rss_mb()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, current_rss_mb())
            time.sleep(0.005)

    def __exit__(self, *_exc):
        self._running = False
        self._thread.join()


def export_over_http(client, headers, endpoint: str, params: dict) -> tuple[int, float, float, float]:
    """Rows, seconds, peak RSS (MB) and RSS before, reading the response block by block."""
    before = current_rss_mb()
    with RssSampler() as rss:
        started = time.perf_counter()
        response = client.get(f"/dashboard/{endpoint}", headers=headers, query_string=params, buffered=False)
        lines = 0
        for block in response.response:
            lines += block.count(b"\n")
        response.close()
        elapsed = time.perf_counter() - started
    return lines - 1, elapsed, rss.peak, before


def copy_baseline(url: str, select_sql: str) -> tuple[int, float]:
    """PostgreSQL's own COPY of a SELECT to CSV, read by psycopg and thrown away."""
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        lines = 0
        with cursor.copy(f"COPY ({select_sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                lines += bytes(block).count(b"\n")
        return lines - 1, time.perf_counter() - started


def export_select_sql(container, kind: str) -> str:
    """The SELECT the export runs (no filter), rendered with literals, for the COPY baseline."""
    columns = call_columns(container.tables) if kind == "calls" else lead_columns(container.tables)
    row = (call_csv_columns if kind == "calls" else lead_csv_columns)(columns.table, -420)
    query = sa.select(*row).order_by(*columns.newest_first)
    return str(query.compile(dialect=container.engine.dialect, compile_kwargs={"literal_binds": True}))


# ---------------------------------------------------------------------------------- propagation

def measure_propagation() -> list[float] | None:
    import requests
    gateway, api_key = os.environ.get("GATEWAY_URL"), os.environ.get("API_KEY")
    email, password = os.environ.get("ADMIN_EMAIL"), os.environ.get("ADMIN_PASSWORD")
    if not all((gateway, api_key, email, password)):
        return None
    session = requests.Session()
    session.headers["apikey"] = api_key

    def call(method, path, token=None, **kwargs):
        headers = {"Authorization": f"JWT {token}"} if token else {}
        response = session.request(method, gateway + path, headers=headers, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    token = call("POST", "/auth", json={"email": email, "password": password})["token"]
    code = f"bench{uuid.uuid4().hex[:10]}"
    organization = call("POST", "/organizations", token, json={"name": f"Propagation {code}", "code": code})
    counted = {"organizationName": organization["name"]}
    samples = []
    for index in range(PROPAGATION_SAMPLES):
        body = call("POST", f"/streams/request/{code}", json={"vin": "1HGCM82633A004352"})
        stream_id = body.get("id") or body.get("streamId") or (body.get("stream") or {}).get("id")
        call("POST", f"/streams/stop/{stream_id}")
        stopped = time.perf_counter()
        deadline = stopped + 30
        while time.perf_counter() < deadline:
            count = call("GET", "/dashboard/countcall", token,
                         params={**counted, "status": "missed,completed"})["count"]
            if count >= index + 1:
                samples.append((time.perf_counter() - stopped) * 1000)
                break
            time.sleep(0.01)
        else:
            raise SystemExit(f"stream {stream_id} did not reach the dashboard within 30 s")
    return samples


# ------------------------------------------------------------------------------------------ main

def main() -> None:
    print(f"dashboard benchmark: {ROWS:,} calls and {ROWS:,} leads in database {DATABASE}", flush=True)
    url, needs_load = create_database()
    public_pem, token = admin_token()
    settings = CommonSettings(service="dashboard", database_url=url, amqp_url="amqp://unused",
                              event_exchange="dropin.events", jwt_public_key=public_pem, max_body_bytes=65536)
    container = bootstrap(settings)
    try:
        if needs_load:
            bulk_load(container)
        client = create_app(container).test_client()
        headers = {"Authorization": f"JWT {token}"}

        print(f"\nLatency, Flask test client in-process, {ITERATIONS} requests each (ms)")
        print(f"{'endpoint and filters':<104} {'median':>8} {'p95':>8}")
        for label, median, p95, _ in measure_latencies(client, headers):
            flag = "" if p95 < 50 else "  (over 50 ms)"
            print(f"{label:<104} {median:8.1f} {p95:8.1f}{flag}")

        print(f"\nCSV export of every row (timezoneoffset=-420) vs PostgreSQL COPY of the same SELECT "
              f"(best of {EXPORT_RUNS} alternating runs)")
        for kind in ("calls", "leads"):
            # Alternating runs, best of each: a shared machine's noise hits both sides alike.
            exports, copies = [], []
            for _ in range(EXPORT_RUNS):
                copies.append(copy_baseline(url, export_select_sql(container, kind)))
                exports.append(export_over_http(client, headers, f"exportcsv{kind}", {"timezoneoffset": -420}))
            rows, seconds, peak, before = min(exports, key=lambda run: run[1])
            peak = max(run[2] for run in exports)
            copy_rows, copy_seconds = min(copies, key=lambda run: run[1])
            plain_rows, plain_seconds = copy_baseline(url, f"SELECT * FROM {kind}")
            ratio = (rows / seconds) / (copy_rows / copy_seconds)
            print(f"  {kind}: export {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
                  f"COPY same SELECT {copy_rows:,} rows in {copy_seconds:.2f} s = {copy_rows / copy_seconds:,.0f} "
                  f"rows/s; ratio {ratio:.2f}x")
            print(f"         (plain COPY of the table, no ordering or formatting: "
                  f"{plain_rows / plain_seconds:,.0f} rows/s)")
            print(f"         RSS before {before:.0f} MB, peak during export {peak:.0f} MB "
                  f"(growth {peak - before:.1f} MB)")
        print(f"  process peak RSS over the whole run (ru_maxrss): "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

        samples = measure_propagation()
        if samples is None:
            print("\nPropagation: skipped (set GATEWAY_URL, API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD; "
                  "`python tools/bench.py dashboard` does)")
        else:
            print(f"\nPropagation, stream stopped through the gateway -> counted by /dashboard/countcall "
                  f"({len(samples)} streams): median {statistics.median(samples):.0f} ms, "
                  f"p95 {percentile(samples, 0.95):.0f} ms")
    finally:
        container.engine.dispose()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop_database()


if __name__ == "__main__":
    sys.exit(main())
