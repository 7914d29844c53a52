"""What operators see: every process's Prometheus metrics on the gateway's operator listener (and
never on the public one), moving with traffic; JSON log lines where one correlation id follows a
request from auth through its relay into the consumers of streams and dashboard."""
from __future__ import annotations

import json
import os
from pathlib import Path

import requests

from dropin_common.testing import wait_until

from .helpers import new_active_dealer, new_organization, wait_until_online

ROOT = Path(__file__).resolve().parents[2]
SLOT = int(os.environ.get("DROPIN_TEST_SLOT") or 0)
OPS_URL = f"http://127.0.0.1:{18180 + 1000 * SLOT}"  # the test profile's operator listener
LOGS = ROOT / "var" / "test" / "logs"


def scrape(process: str) -> dict[str, float]:
    response = requests.get(f"{OPS_URL}/metrics/{process}", timeout=10)
    assert response.status_code == 200, response.text
    samples = {}
    for line in response.text.splitlines():
        if line.startswith("dropin_"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def sample(samples: dict[str, float], name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels`."""
    total = 0.0
    for key, value in samples.items():
        metric, _, rest = key.partition("{")
        if metric == name and all(f'{k}="{v}"' in rest for k, v in labels.items()):
            total += value
    return total


def test_metrics_move_with_a_stream_and_stay_off_the_public_listener(api, admin_token, stack):
    before_web = scrape("streams")
    before_pusher = scrape("streams-relay-pusher")
    organization = new_organization(api, admin_token)
    _, dealer_token = new_active_dealer(api, admin_token, organization["id"])
    # Only a request that rings can be accepted: one made before streams knows the dealer is
    # online is answered missed (`nobody_online`) at once.
    wait_until_online(api, organization, dealers=1)
    requested = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": "1HGCM82633A004352"})
    assert requested.status_code == 201 and requested.json()["status"] == "requested", requested.text
    stream_id = requested.json()["id"]
    accepted = wait_until(lambda: (lambda r: r if r.status_code == 200 else None)(
        api.request("POST", f"/streams/accept/{stream_id}", token=dealer_token)),
        timeout=20, message="the dealer to reach streams")
    assert accepted.json()["status"] == "streaming"

    web = scrape("streams")
    for outcome in ("requested", "accepted"):
        before = sample(before_web, "dropin_streams_total", outcome=outcome)
        assert sample(web, "dropin_streams_total", outcome=outcome) >= before + 1
    assert sample(web, "dropin_stream_time_to_answer_seconds_count") >= 1
    # Per route (the rule, not the path), across gunicorn's workers.
    assert sample(web, "dropin_http_requests_total", route="/streams/request/<organization_code>", status="201") >= 1
    assert sample(web, "dropin_http_request_duration_seconds_count", route="/streams/accept/<stream_id>") >= 1
    # The relay sent the ringing to Pusher, and nothing waits in its outbox any more.
    wait_until(lambda: sample(scrape("streams-relay-pusher"), "dropin_outbox_deliveries_total", outcome="sent")
               > sample(before_pusher, "dropin_outbox_deliveries_total", outcome="sent"),
               timeout=20, message="the pusher relay's sent counter to move")
    wait_until(lambda: sample(scrape("streams-relay-pusher"), "dropin_outbox_waiting_rows", destination="pusher") == 0,
               timeout=20, message="the pusher outbox to drain")
    consumer = scrape("dashboard-consumer")
    assert sample(consumer, "dropin_consumer_messages_total", queue="dashboard", outcome="handled") >= 1
    assert sample(consumer, "dropin_consumer_last_applied_event_timestamp_seconds", queue="dashboard") > 0
    assert sample(consumer, "dropin_queue_messages", queue="dashboard.dead") == 0
    # The public listener has no /metrics, with or without an API key.
    assert api.request("GET", "/metrics").status_code == 404
    assert api.request("GET", "/streams/metrics").status_code == 404


def log_lines(process: str) -> list[dict]:
    lines = []
    for raw in (LOGS / f"{process}.log").read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_one_correlation_id_follows_an_organization_from_auth_to_streams_and_dashboard(api, admin_token):
    response = api.request("POST", "/organizations", token=admin_token,
                           json={"name": "Correlated Motors", "code": f"corr{os.getpid()}"})
    assert response.status_code == 201, response.text
    # Both nginx and the service set the header (to the same id); requests joins them with a comma.
    request_id = response.headers["X-Request-Id"].split(",")[0].strip()

    def carrying(process: str) -> list[dict]:
        return [line for line in log_lines(process) if line.get("correlationId") == request_id]

    # auth's access line has the request id; its relay, and the consumers of streams and dashboard
    # that applied the organization.created event, log the same id as the correlation id.
    access = wait_until(lambda: [line for line in log_lines("auth-web") if line.get("requestId") == request_id],
                        timeout=10, message="auth's access log line")
    assert access[0]["path"] == "/organizations" and access[0]["status"] == 201
    for process in ("auth-relay-broker", "streams-consumer", "dashboard-consumer"):
        lines = wait_until(lambda: carrying(process), timeout=20, message=f"{process} to log {request_id}")
        assert any("organization.created" in line["message"] for line in lines), lines
