#!/usr/bin/env python3
"""Runs one service's benchmark against the isolated `bench` profile of the stack.

    python tools/bench.py auth|streams|dashboard|chat|web

Brings the bench stack up (its own databases, vhost and ports; a dev stack may run beside it), runs
the service's `bench/bench_<service>.py` with the gateway's address and credentials in the environment, and
leaves the figures on stdout. The stack is stopped afterwards unless BENCH_KEEP_STACK=1; its databases
are made afresh unless BENCH_REUSE=1.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import stack  # noqa: E402

API_KEY = "bench-api-key"


def main() -> None:
    service = sys.argv[1] if len(sys.argv) > 1 else ""
    if service not in ("auth", "streams", "dashboard", "chat", "web"):
        raise SystemExit(__doc__)
    profile = stack.PROFILES["bench"]
    environment = {**os.environ, "API_KEYS": API_KEY, "ADMIN_EMAIL": "bench-admin@example.com",
                   "ADMIN_PASSWORD": "bench-admin-password", "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2")}
    for key in ("PUSHER_HOST", "SMTP_HOST"):  # the bench stack uses its local stand-ins
        environment.pop(key, None)
    # BENCH_REUSE=1 keeps the bench databases of the last run (e.g. a 10M-row dashboard load).
    fresh = [] if os.environ.get("BENCH_REUSE") == "1" else ["--fresh"]
    subprocess.run([sys.executable, str(ROOT / "tools" / "stack.py"), "up", "--profile", "bench", *fresh],
                   env=environment, check=True)
    bench_env = {
        **environment,
        "GATEWAY_URL": f"http://127.0.0.1:{profile.port('gateway')}",
        "API_KEY": API_KEY,
        "PUSHER_RECEIVED_URL": f"http://127.0.0.1:{profile.port('pusher')}/_received",
        "BASELINE_PORT": str(profile.port("baseline")),
        "STREAMS_DATABASE_URL": stack.database_url(profile, "streams"),
        "DASHBOARD_DATABASE_URL": stack.database_url(profile, "dashboard"),
        "CHAT_DATABASE_URL": stack.database_url(profile, "chat"),
    }
    try:
        # The web app's benchmark (first render in Chromium, bundle sizes) lives in tools/.
        script = (ROOT / "tools" / "bench_web.py" if service == "web"
                  else ROOT / "services" / service / "bench" / f"bench_{service}.py")
        result = subprocess.run([sys.executable, str(script)], cwd=script.parent.parent, env=bench_env)
    finally:
        if os.environ.get("BENCH_KEEP_STACK") != "1":
            subprocess.run([sys.executable, str(ROOT / "tools" / "stack.py"), "down", "--profile", "bench"],
                           env=environment)
    raise SystemExit(result.returncode)


if __name__ == "__main__":
    main()
