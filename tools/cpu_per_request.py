#!/usr/bin/env python3
"""CPU time per request, by process, for one GET through the gateway of a running stack.

    python tools/cpu_per_request.py /accounts/me                 # as the admin, 4000 requests
    python tools/cpu_per_request.py /streams/<id> --anonymous --requests 6000

Sends the requests from 8 client threads and reads every process's CPU time (/proc/<pid>/stat)
before and after, so the figure is CPU spent per request by nginx, each service's gunicorn
workers, PostgreSQL backends and the rest, whatever else the machine is doing at the time (unlike
throughput, which a busy neighbour halves). The client's own threads are not counted.

Env: GATEWAY_URL (default the bench profile's), API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD (the bench
stack's, as tools/bench.py sets them). Run `BENCH_KEEP_STACK=1 make bench-auth` first, or any stack.
"""
from __future__ import annotations

import argparse
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path

import requests

CLIENTS = 8
TICKS = os.sysconf("SC_CLK_TCK")


def process_group(cmdline: str) -> str:
    """A name for the process: `gunicorn auth`, `postgres`, `nginx`, `dropin_dashboard consumer`..."""
    if cmdline.startswith("postgres"):
        return "postgres"
    if "nginx" in cmdline:
        return "nginx"
    service = re.search(r"dropin_(\w+)\.entrypoints\.(\w+)", cmdline)
    if service:
        kind = "web (gunicorn)" if service.group(2) == "http" else service.group(2)
        return f"{service.group(1)} {kind}"
    if "beam.smp" in cmdline:
        return "rabbitmq"
    return "other"


def cpu_ticks(pid: int) -> int:
    """The CPU time process `pid` has used so far (user + system), in clock ticks; OSError once gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def cpu_by_process() -> dict[int, tuple[str, int]]:
    taken = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            ticks = cpu_ticks(int(entry.name))
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        taken[int(entry.name)] = (cmdline, ticks)
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--anonymous", action="store_true", help="send no token")
    args = parser.parse_args()
    gateway = os.environ.get("GATEWAY_URL", "http://127.0.0.1:28080").rstrip("/")
    headers = {"apikey": os.environ.get("API_KEY", "bench-api-key")}
    if not args.anonymous:
        login = requests.post(f"{gateway}/auth", headers=headers, timeout=10, json={
            "email": os.environ.get("ADMIN_EMAIL", "bench-admin@example.com"),
            "password": os.environ.get("ADMIN_PASSWORD", "bench-admin-password")})
        login.raise_for_status()
        headers["Authorization"] = f"JWT {login.json()['token']}"

    def client() -> None:
        session = requests.Session()
        session.headers.update(headers)
        for _ in range(args.requests // CLIENTS):
            response = session.get(gateway + args.path, timeout=10)
            if response.status_code != 200:
                raise SystemExit(f"GET {args.path}: {response.status_code} {response.text[:200]}")

    requests.get(gateway + args.path, headers=headers, timeout=10)  # warm up once
    before, started = cpu_by_process(), time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, after = time.perf_counter() - started, cpu_by_process()
    sent = args.requests // CLIENTS * CLIENTS
    per_group: Counter[str] = Counter()
    for pid, (cmdline, ticks) in after.items():
        per_group[process_group(cmdline)] += ticks - before.get(pid, (cmdline, 0))[1]
    total = sum(per_group.values())
    print(f"GET {args.path}: {sent} requests from {CLIENTS} clients, {sent / elapsed:.0f} req/s; "
          f"CPU {total * 1000 / TICKS / sent:.2f} ms per request:")
    for group, ticks in per_group.most_common():
        if ticks * 1000 / TICKS / sent >= 0.01:
            print(f"  {ticks * 1000 / TICKS / sent:6.2f} ms  {group}")


if __name__ == "__main__":
    main()
