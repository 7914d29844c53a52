#!/usr/bin/env python3
"""Dashboard benchmark, through the gateway over HTTP: latency of every list, count and figure
endpoint on 10 million calls and 10 million leads, CSV export throughput against PostgreSQL's own COPY
of the same SELECT, the dashboard web workers' memory while exporting, and how long a stopped stream
takes to be counted.

    make bench-dashboard                          # 10,000,000 calls + 10,000,000 leads
    BENCH_ROWS=1000000 make bench-dashboard       # the quick 1M mode
    BENCH_REUSE=1 BENCH_ROWS=... make bench-dashboard   # keep the last run's load (no rebuild)

`tools/bench.py` brings up the isolated bench stack (its own databases, vhost and ports) and runs this
script with the gateway's address, an API key, the bench admin's login and the stack's dashboard
database URL. The script bulk-loads that database (INSERT ... SELECT generate_series with the
secondary indexes dropped, then built; then the projection's pre-aggregations recounted), printing
the build time and disk size, and then asks the gateway, as a client would, with the admin's JWT.
Loopback only; every loop is bounded.
"""
from __future__ import annotations

import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import requests
import sqlalchemy as sa

from dropin_common.config import CommonSettings
from dropin_common.testing import TokenFactory, percentile
from dropin_dashboard.adapters import maintenance
from dropin_dashboard.adapters.criteria import call_columns, lead_columns
from dropin_dashboard.adapters.csv_export import call_csv_columns, lead_csv_columns
from dropin_dashboard.bootstrap import bootstrap

SERVICE_DIR = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_ROWS", "10000000"))
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "20"))
WARMUP = 2
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "2"))
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
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Ho_Chi_Minh", None]
ORGANIZATIONS = 200
DEALERS_PER_ORGANIZATION = 10
ONE_ORGANIZATION = "org-5"  # America/New_York: its buckets follow DST


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


# Ended statuses dominate, as on a real dashboard; times spread over two years in insertion order,
# as the consumer writes calls when streams are requested. Answered calls (streaming, completed,
# expired) have a dealer of their organization and 2-61 s to answer; ended answered ones a duration.
ROW_SOURCE = f"""
  SELECT n,
         'c' || lpad(n::text, 8, '0') AS call_id,
         ((n * 7919) % {ORGANIZATIONS})::int AS org,
         (1 + (n * 13) % {len(VEHICLES)})::int AS car,
         (ARRAY['completed','completed','completed','missed','missed','expired','streaming','requested'])
           [(1 + (n * 11 + n / 200) % 8)::int] AS status,
         timestamptz '2024-06-01 00:00Z' + n * (interval '730 days' / {ROWS}) AS requested_at,
         ({sql_array(FIRST_NAMES)})[(1 + (n * 31) % {len(FIRST_NAMES)})::int] AS first_name,
         ({sql_array(LAST_NAMES)})[(1 + (n * 17) % {len(LAST_NAMES)})::int] AS last_name,
         '+1 555 ' || lpad(((n * 7907) % 10000000)::text, 7, '0') AS phone,
         upper(substr(md5(n::text), 1, 17)) AS vin,
         (60 + (n * 37) % 900)::int AS duration,
         (2 + (n * 53) % 60 * ((n * 29) % 7 + 1) / 7)::int AS answer_seconds
    FROM generate_series(1::bigint, {ROWS}) AS n"""
VEHICLE_PARTS = (f"({sql_array([v[0] for v in VEHICLES])})[car]", f"({sql_array([v[1] for v in VEHICLES])})[car]",
                 f"({sql_array([v[2] for v in VEHICLES])})[car]")
ORG_NAME = f"({sql_array(BRANDS)})[1 + org % {len(BRANDS)}] || ' Motors ' || org"
ANSWERED = "status IN ('streaming', 'completed', 'expired')"
ENDED_ANSWERED = "status IN ('completed', 'expired')"
DEALER = f"org * {DEALERS_PER_ORGANIZATION} + (n / {ORGANIZATIONS}) % {DEALERS_PER_ORGANIZATION}"

LOAD_CALLS = f"""
INSERT INTO calls (id, version, organization_id, organization_code, organization_name, vin, vehicle_make,
                   vehicle_model, vehicle_type, vehicle_year, status, dealer_id, dealer_first_name,
                   dealer_last_name, requested_at, accepted_at, stopped_at, stopped_by, note, duration_seconds,
                   first_name, last_name, email, phone, time_to_answer_seconds, missed_reason, dealers_rung,
                   lead_count)
SELECT call_id, 3, 'org-' || org, 'code' || org, {ORG_NAME}, vin, {VEHICLE_PARTS[0]}, {VEHICLE_PARTS[1]},
       {VEHICLE_PARTS[2]}, 2010 + n % 15, status,
       CASE WHEN {ANSWERED} THEN 'dealer-' || ({DEALER}) END,
       CASE WHEN {ANSWERED} THEN 'Dana' END, CASE WHEN {ANSWERED} THEN 'Dealer' || ({DEALER}) END,
       requested_at, CASE WHEN {ANSWERED} THEN requested_at + answer_seconds * interval '1 second' END,
       CASE WHEN status <> 'streaming' AND status <> 'requested'
            THEN requested_at + (answer_seconds + duration) * interval '1 second' END,
       CASE WHEN status <> 'streaming' AND status <> 'requested' THEN 'dealer' END,
       CASE WHEN n % 10 = 0 THEN 'Follow up next week' END,
       CASE WHEN {ENDED_ANSWERED} THEN duration END,
       first_name, last_name, lower(first_name) || '.' || n || '@example.com', phone,
       CASE WHEN {ANSWERED} THEN answer_seconds END,
       CASE WHEN status = 'missed' THEN 'ring_timeout' END, 1 + n % 6, 1
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
INSERT INTO organizations (id, name, code, loan_link, created_at, updated_at, timezone)
SELECT 'org-' || org, {ORG_NAME}, 'code' || org, 'https://loans.example/' || org,
       timestamptz '2024-01-01' + org * interval '1 day', now(),
       (ARRAY[{", ".join("'" + zone + "'" if zone else "NULL" for zone in ZONES)}])[1 + org % {len(ZONES)}]
  FROM generate_series(0, {ORGANIZATIONS - 1}) AS org;
INSERT INTO dealers (id, email, first_name, last_name, phone, role, status, account_status, organization_id,
                     created_at, updated_at)
SELECT 'dealer-' || n, 'dealer' || n || '@example.com', 'Dana', 'Dealer' || n, '+1 555 000 0000', 'dealer',
       'active', CASE WHEN n % 3 = 0 THEN 'online' ELSE 'offline' END, 'org-' || (n / {DEALERS_PER_ORGANIZATION}),
       now(), now()
  FROM generate_series(0, {ORGANIZATIONS * DEALERS_PER_ORGANIZATION - 1}) AS n"""


# ---------------------------------------------------------------------------------------- setup

def loaded_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM calls")).scalar_one()


def _in_parallel(jobs: dict[str, callable], workers: int = 4) -> None:
    """Runs the jobs on `workers` threads (each job its own connection): loads, index builds and
    recounts side by side."""
    errors = []
    pending = list(jobs.items())
    lock = threading.Lock()

    def run():
        while True:
            with lock:
                if not pending:
                    return
                label, job = pending.pop(0)
            started = time.perf_counter()
            try:
                job()
            except Exception as exc:  # reported after the join
                errors.append(f"{label}: {exc}")
            print(f"  {label} in {time.perf_counter() - started:.1f} s", flush=True)
    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit("; ".join(errors))


def bulk_load(container) -> float:
    """Load with the secondary indexes dropped, then build them; returns the seconds it took."""
    engine = container.engine
    started = time.perf_counter()
    # Every service judges a token by its own accounts replica: the admin the bench signs in as
    # (replicated from auth's events before the load) must outlive the truncate.
    with engine.connect() as conn:
        accounts = [dict(row) for row in conn.execute(sa.text(
            "SELECT * FROM dealers WHERE role <> 'dealer'")).mappings()]
    container.maintenance.truncate()
    if accounts:
        with engine.begin() as conn:
            conn.execute(container.tables["dealers"].insert(), accounts)
    with engine.begin() as conn:
        indexes = conn.execute(sa.text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN ('calls','leads',"
            "'organizations','dealers') AND indexname NOT LIKE '%pkey'")).all()
        for _, name, _ in indexes:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))

    def execute(sql: str, *settings: str):
        def job():
            with engine.begin() as conn:
                for setting in ("SET LOCAL synchronous_commit = off", *settings):
                    conn.execute(sa.text(setting))
                for statement in sql.split(";\n"):
                    conn.execute(sa.text(statement))
        return job

    print("Building the read model", flush=True)
    _in_parallel({"loaded calls": execute(LOAD_CALLS), "loaded leads": execute(LOAD_LEADS),
                  "loaded organizations+dealers": execute(LOAD_DIRECTORY)})
    memory = "SET LOCAL maintenance_work_mem = '512MB'"
    # Biggest first (the trigram indexes), so the four workers end together.
    by_cost = sorted(indexes, key=lambda index: ("gin" not in index[2], index[0] not in ("calls", "leads")))
    _in_parallel({f"built {name}": execute(definition, memory) for _, name, definition in by_cost})
    # The consumer keeps these counts as it inserts; a bulk load recounts them (the CLI's `recount`,
    # its statements side by side).
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(maintenance.COUNT_TABLES)}"))
    work = "SET LOCAL work_mem = '256MB'"
    _in_parallel({f"recounted {label}": execute(sql, work) for label, sql in (
        ("answer times", maintenance.RECOUNT_ANSWER_TIMES), ("call stats", maintenance.RECOUNT_CALL_STATS),
        ("dealer answer times", maintenance.RECOUNT_DEALER_ANSWER_TIMES),
        ("dealer stats", maintenance.RECOUNT_DEALER_STATS),
        ("facet counts", maintenance.RECOUNT_FACETS), ("name counts", maintenance.RECOUNT_NAMES),
        ("period counts", maintenance.RECOUNT_PERIODS))})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))  # visibility map for index-only counts, fresh stats
    return time.perf_counter() - started


def print_disk_size(engine) -> None:
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
        tables = conn.execute(sa.text(
            "SELECT relname, pg_table_size(oid), pg_indexes_size(oid) FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "ORDER BY pg_total_relation_size(oid) DESC LIMIT 10")).all()
    print(f"Disk size of the read model database: {total / 2**30:.2f} GiB")
    for name, table, index in tables:
        print(f"  {name:<16} table {table / 2**20:9.0f} MiB, indexes {index / 2**20:9.0f} MiB")


# -------------------------------------------------------------------------------------- gateway

class Gateway:
    def __init__(self):
        self.url, api_key = os.environ["GATEWAY_URL"], os.environ["API_KEY"]
        self.session = requests.Session()
        self.session.headers["apikey"] = api_key
        login = self.session.post(f"{self.url}/auth", json={"email": os.environ["ADMIN_EMAIL"],
                                                            "password": os.environ["ADMIN_PASSWORD"]}, timeout=30)
        login.raise_for_status()
        self.token = login.json()["token"]
        self.session.headers["Authorization"] = f"JWT {self.token}"

    def get(self, path: str, params: dict | None = None, **kwargs) -> requests.Response:
        return self.session.get(f"{self.url}{path}", params=params, timeout=600, **kwargs)


# -------------------------------------------------------------------------------------- figures

MONTH = {"from": "2025-03-01", "to": "2025-03-31"}
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
ONE_ORG = {"organizationId": ONE_ORGANIZATION}
# The contract's lists and counts with their filters (any window), then every list, count and figure
# endpoint for one month and one year, for one organization and for all.
FILTER_CASES = [
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
    ("getleads", {}), ("getleads", {"name": "nguyen"}), ("getleads", {"status": "completed", "carMake": "honda"}),
    ("countlead", {}), ("countlead", {"name": "nguyen"}), ("countlead", {"status": "missed"}),
    ("countallcalllead", {}),
    ("getorganizations", {}), ("getorganizations", {"name": "harbor"}),
]
WINDOW_ENDPOINTS = [
    ("getcalls", {}), ("countcall", {}), ("getleads", {}), ("countlead", {}), ("countcalllead", {}),
    ("getcalls", {"phone": "4242"}), ("countcall", {"phone": "4242"}),
    ("kpis", {}), ("series", {"interval": "day"}), ("series", {"interval": "week"}),
    ("series", {"interval": "month"}), ("heatmap", {}), ("leaderboard", {}), ("exportcsvkpis", {"interval": "day"}),
]
WINDOWS = [("month", MONTH, 50), ("year", YEAR, 150)]


def latency_cases() -> list[tuple[str, dict, float]]:
    cases = [(endpoint, {**params}, 50.0) for endpoint, params in FILTER_CASES]
    for _, window, target in WINDOWS:
        for scope in ({}, ONE_ORG):
            for endpoint, params in WINDOW_ENDPOINTS:
                if endpoint == "countcalllead" and scope:
                    continue  # takes no organization
                cases.append((endpoint, {**params, **window, "timezoneoffset": -420, **scope}, float(target)))
    return cases


def measure(gateway: Gateway, endpoint: str, params: dict) -> list[float]:
    samples = []
    for attempt in range(WARMUP + ITERATIONS):
        started = time.perf_counter()
        response = gateway.get(f"/dashboard/{endpoint}", params)
        body = response.content
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{endpoint} {params}: {response.status_code} {body[:300]!r}")
        if attempt >= WARMUP:
            samples.append(elapsed)
    return samples


# ---------------------------------------------------------------------------------------- memory

def dashboard_web_pids(database: str) -> list[int]:
    """The bench stack's dashboard gunicorn processes (master and workers), found by their environment."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            if b"dropin_dashboard.entrypoints.http" not in command:
                continue
            if f"/{database}".encode() in (entry / "environ").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class RssSampler:
    """Peak summed resident memory of the given processes, sampled every 10 ms while a block runs."""

    def __init__(self, pids: list[int]):
        self.pids = pids

    def __enter__(self):
        self.before = self.peak = rss_mb(self.pids)
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while self._running:
            self.peak = max(self.peak, rss_mb(self.pids))
            time.sleep(0.01)

    def __exit__(self, *_exc):
        self._running = False
        self._thread.join()


def export_over_http(gateway: Gateway, endpoint: str, params: dict, pids: list[int]) -> tuple[int, float, float, float]:
    """Rows, seconds, web RSS before and peak (MB), reading the download as it streams."""
    with RssSampler(pids) as rss:
        started = time.perf_counter()
        lines = 0
        with gateway.get(f"/dashboard/{endpoint}", params, stream=True) as response:
            response.raise_for_status()
            for block in response.iter_content(chunk_size=1 << 16):
                lines += block.count(b"\n")
        elapsed = time.perf_counter() - started
    return lines - 1, elapsed, rss.before, rss.peak


def copy_baseline(conn: psycopg.Connection, select_sql: str) -> tuple[int, float]:
    """PostgreSQL's own COPY of a SELECT to CSV, read by psycopg and thrown away."""
    with conn.cursor() as cursor:
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

def measure_propagation(gateway: Gateway) -> list[float]:
    shopper = requests.Session()  # the shopper's side: the API key, no JWT
    shopper.headers["apikey"] = gateway.session.headers["apikey"]

    def call(method, path, session=gateway.session, **kwargs):
        response = session.request(method, gateway.url + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    code = f"bench{uuid.uuid4().hex[:10]}"
    organization = call("POST", "/organizations", json={"name": f"Propagation {code}", "code": code})
    counted = {"organizationName": organization["name"]}
    samples = []
    for index in range(PROPAGATION_SAMPLES):
        body = call("POST", f"/streams/request/{code}", shopper, json={"vin": "1HGCM82633A004352"})
        call("POST", f"/streams/stop/{body['id']}", shopper)
        stopped = time.perf_counter()
        deadline = stopped + 30
        while time.perf_counter() < deadline:
            count = call("GET", "/dashboard/countcall", params={**counted, "status": "missed,completed"})["count"]
            if count >= index + 1:
                samples.append((time.perf_counter() - stopped) * 1000)
                break
            time.sleep(0.01)
        else:
            raise SystemExit(f"stream {body['id']} did not reach the dashboard within 30 s")
    return samples


# ------------------------------------------------------------------------------------------ main

def main() -> None:
    url = os.environ.get("DASHBOARD_DATABASE_URL")
    if not url or not os.environ.get("GATEWAY_URL"):
        raise SystemExit("Run through the bench stack: `make bench-dashboard` (tools/bench.py dashboard).")
    print(f"dashboard benchmark: {ROWS:,} calls and {ROWS:,} leads, through the gateway at "
          f"{os.environ['GATEWAY_URL']}", flush=True)
    # The bench loads and reads the database itself: the container's verifier checks no token.
    settings = CommonSettings(service="dashboard", database_url=url, amqp_url="amqp://unused",
                              event_exchange="dropin.events", jwt_public_key=TokenFactory().public_pem,
                              max_body_bytes=65536)
    container = bootstrap(settings)
    try:
        # At least: the propagation measurement of a run adds a few calls of its own.
        if not (ROWS <= loaded_rows(container.engine) < ROWS + 1000):
            seconds = bulk_load(container)
            print(f"Build time of the read model ({ROWS:,} calls + {ROWS:,} leads): {seconds:.0f} s", flush=True)
        else:
            print("Reusing the read model already loaded (BENCH_REUSE=1)")
        print_disk_size(container.engine)
        gateway = Gateway()
        # Opened now: on a machine shared with other stacks, connections may run out later.
        copy_connection = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True)

        print(f"\nLatency through the gateway over HTTP (keep-alive), {ITERATIONS} requests each (ms); "
              f"windows in GMT+7, one organization = {ONE_ORGANIZATION} (America/New_York)")
        print(f"{'endpoint and parameters':<118} {'median':>8} {'p95':>8} target")
        over = 0
        for endpoint, params, target in latency_cases():
            samples = measure(gateway, endpoint, params)
            p95 = percentile(samples, 0.95)
            flag = "" if p95 < target else "  OVER"
            over += bool(flag)
            label = f"{endpoint} {params}" if params else endpoint
            print(f"{label:<118} {statistics.median(samples):8.1f} {p95:8.1f} <{target:.0f}{flag}", flush=True)
        print(f"  {over} case(s) over target")

        pids = dashboard_web_pids(url.rsplit("/", 1)[-1])
        print(f"\nCSV export of every row through the gateway (timezoneoffset=-420) vs PostgreSQL COPY of the "
              f"same SELECT (best of {EXPORT_RUNS} alternating runs); RSS of the {len(pids)} dashboard web "
              f"processes")
        for kind in ("calls", "leads"):
            exports, copies = [], []
            for _ in range(EXPORT_RUNS):
                copies.append(copy_baseline(copy_connection, export_select_sql(container, kind)))
                exports.append(export_over_http(gateway, f"exportcsv{kind}", {"timezoneoffset": -420}, pids))
            rows, seconds, before, _ = min(exports, key=lambda run: run[1])
            peak = max(run[3] for run in exports)
            copy_rows, copy_seconds = min(copies, key=lambda run: run[1])
            ratio = (rows / seconds) / (copy_rows / copy_seconds)
            print(f"  {kind}: export {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
                  f"COPY same SELECT {copy_rows:,} rows in {copy_seconds:.1f} s = "
                  f"{copy_rows / copy_seconds:,.0f} rows/s; ratio {ratio:.2f}x", flush=True)
            print(f"         web RSS before {before:.0f} MB, peak during export {peak:.0f} MB "
                  f"(growth {peak - before:.1f} MB)", flush=True)

        samples = measure_propagation(gateway)
        print(f"\nPropagation, stream stopped through the gateway -> counted by /dashboard/countcall "
              f"({len(samples)} streams): median {statistics.median(samples):.0f} ms, "
              f"p95 {percentile(samples, 0.95):.0f} ms")
    finally:
        container.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
