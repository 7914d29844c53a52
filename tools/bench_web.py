#!/usr/bin/env python3
"""Time to first render of the admin dashboard through the gateway, in Debian's Chromium, and the
web app's bundle sizes. Run by `make bench-web` (tools/bench.py web: the isolated bench stack),
or against any running stack:

    GATEWAY_URL=http://127.0.0.1:8080 API_KEY=dev-api-key ADMIN_EMAIL=admin@example.com \\
    ADMIN_PASSWORD=change-me-now .venv/bin/python tools/bench_web.py

For each run the admin's session is already in the browser (as after signing in), the page
/admin is opened and the page itself records, with performance.now() (ms since navigation start):
first contentful paint, the four figures filled in, and the calls-per-day chart drawn. "cold" runs
use a new browser profile each time (nothing cached), "warm" runs reload with the cache.
"""
from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import uuid
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import launch_args  # noqa: E402

GATEWAY = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080")
API_KEY = os.environ.get("API_KEY", "dev-api-key")
RUNS = int(os.environ.get("BENCH_WEB_RUNS", "10"))
SEED_CALLS = int(os.environ.get("BENCH_WEB_CALLS", "30"))

# Recorded by the page itself, so the figures do not include the test driver's polling.
MARKS = """
window.__marks = {};
new MutationObserver(() => {
  const now = performance.now();
  const calls = document.querySelector('[data-testid="kpi-calls"]');
  if (!window.__marks.figures && calls && /^\\d+$/.test(calls.textContent)) window.__marks.figures = now;
  if (!window.__marks.chart && document.querySelector('.chart canvas')) window.__marks.chart = now;
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
READ_MARKS = """() => ({
  fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
  figures: window.__marks.figures, chart: window.__marks.chart,
  transferred: performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
      .reduce((sum, entry) => sum + (entry.transferSize || 0), 0),
})"""


def api(method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = {"apikey": API_KEY, **({"Authorization": f"JWT {token}"} if token else {})}
    response = requests.request(method, GATEWAY + path, headers=headers, timeout=15, **kwargs)
    response.raise_for_status()
    return response


def seed(admin: str) -> None:
    """Some calls (answered and missed) so the figures, chart and heatmap have data to show."""
    code = f"bench{uuid.uuid4().hex[:8]}"
    organization = api("POST", "/organizations", admin, json={"name": f"Bench {code}", "code": code}).json()
    name = f"benchdealer{uuid.uuid4().hex[:8]}"
    dealer = api("POST", "/auth/register", json={"email": f"{name}@example.com", "password": "bench-password",
                                                 "firstName": "Bench", "lastName": "Dealer", "username": name}).json()
    api("PATCH", f"/accounts/{dealer['id']}", admin, json={"status": "active", "organizationId": organization["id"]})
    token = api("POST", "/auth", json={"username": name, "password": "bench-password"}).json()["token"]
    api("POST", "/accounts/status/online", token)
    for number in range(SEED_CALLS):
        stream = api("POST", f"/streams/request/{code}", json={"vin": "1HGCM82633A004352"}).json()
        if number % 3:
            api("POST", f"/streams/accept/{stream['id']}", token)
        api("POST", f"/streams/stop/{stream['id']}")


def bundle_sizes() -> list[tuple[str, int, int]]:
    sizes = []
    for path in sorted((ROOT / "web" / "dist" / "assets").glob("*")):
        raw = path.read_bytes()
        sizes.append((path.name, len(raw), len(gzip.compress(raw, 9))))
    return sizes


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.0f} ms   p95 {p95:6.0f} ms"


def main() -> None:
    admin = api("POST", "/auth", json={"email": os.environ.get("ADMIN_EMAIL", "admin@example.com"),
                                       "password": os.environ.get("ADMIN_PASSWORD", "change-me-now")}).json()
    if SEED_CALLS:
        seed(admin["token"])
    session = json.dumps({"token": admin["token"], "account": admin["account"]})
    init = f"localStorage.setItem('dropin.session', {json.dumps(session)});" + MARKS

    print("web app bundle (web/dist/assets):")
    for name, raw, packed in bundle_sizes():
        print(f"  {name:40s} {raw / 1024:7.1f} KB   gzip {packed / 1024:6.1f} KB")
    results: dict[str, list[dict]] = {"cold": [], "warm": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args())
        for _ in range(RUNS):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(init)
            page = context.new_page()
            page.goto(GATEWAY + "/admin")
            page.wait_for_function("() => window.__marks.figures && window.__marks.chart", timeout=30_000)
            results["cold"].append(page.evaluate(READ_MARKS))
            page.reload()
            page.wait_for_function("() => window.__marks.figures && window.__marks.chart", timeout=30_000)
            results["warm"].append(page.evaluate(READ_MARKS))
            context.close()
        browser.close()

    print(f"\nadmin Overview through the gateway ({GATEWAY}), {RUNS} runs each, {SEED_CALLS} seeded calls:")
    for kind, runs in results.items():
        print(f"  {kind}: first contentful paint  {summary([r['fcp'] for r in runs])}")
        print(f"  {kind}: figures shown           {summary([r['figures'] for r in runs])}")
        print(f"  {kind}: chart drawn             {summary([r['chart'] for r in runs])}")
        transferred = statistics.median(r['transferred'] for r in runs) / 1024
        print(f"  {kind}: bytes transferred       {transferred:.1f} KB (median)")


if __name__ == "__main__":
    main()
