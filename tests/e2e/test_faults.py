"""Faults as clients see them through the gateway: a service restarting is a retryable 503, the
dashboard says how fresh its figures are."""
from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from dropin_common.ids import new_id
from dropin_common.testing import wait_until

ROOT = Path(__file__).resolve().parents[2]


def supervisorctl(*args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "supervisorctl"),
                    "-c", str(ROOT / "var" / "test" / "supervisord.conf"), *args],
                   check=True, capture_output=True, timeout=60)


def test_a_service_that_is_down_for_a_moment_is_a_json_503_with_retry_after(api):
    supervisorctl("stop", "chat-web")
    try:
        response = api.request("GET", f"/chat/{new_id()}")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "service_unavailable"
        assert response.headers["Retry-After"] == "1"
    finally:
        supervisorctl("start", "chat-web")
    # An id that is not a just-created UUIDv7: chat answers 404 at once, without waiting for its replica.
    wait_until(lambda: api.request("GET", f"/chat/{uuid.uuid4()}").status_code == 404, timeout=60,
               message="chat back")


def test_dashboard_reads_carry_the_age_of_the_newest_applied_event(api, admin_token):
    from .helpers import new_organization
    new_organization(api, admin_token)  # an event for the dashboard's consumer to apply
    response = wait_until(lambda: (r := api.request("GET", "/dashboard/getcalls", token=admin_token))
                          .headers.get("X-Data-Age-Seconds") and r, timeout=30, message="a data age")
    assert 0 <= int(response.headers["X-Data-Age-Seconds"]) < 600
