"""End-to-end harness: the whole stack (every service's processes and nginx) on the `test` profile,
with Pusher and SMTP replaced by servers running inside this pytest process so tests can see what
the services sent. Started once per session; its databases and vhost are fresh each time."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

from dropin_common.fake_beams import FakeBeamsServer
from dropin_common.fake_pusher import FakePusherServer

ROOT = Path(__file__).resolve().parents[2]
STACK = [sys.executable, str(ROOT / "tools" / "stack.py")]
API_KEY = "e2e-api-key"
WEB_ORIGIN = "https://autodev.dropininc.com"  # the web app; CORS allows it (and localhost:3000)
# The test profile's gateway port; DROPIN_TEST_SLOT shifts it like tools/stack.py does.
GATEWAY_URL = f"http://127.0.0.1:{18080 + 1000 * int(os.environ.get('DROPIN_TEST_SLOT') or 0)}"
PUSHER = {"app_id": "424242", "key": "e2e-key", "secret": "e2e-secret"}
BEAMS = {"instance_id": "e2e-beams-instance", "secret_key": "e2e-beams-secret-key-of-enough-bytes"}


class Mailbox(list):
    """Every message the services sent through SMTP, as EmailMessage objects."""

    async def handle_DATA(self, server, session, envelope):
        self.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    gateway_url: str
    api_key: str
    pusher: FakePusherServer
    beams: FakeBeamsServer
    mailbox: Mailbox
    admin_email: str
    admin_password: str
    environment: dict = field(default_factory=dict)


class Api:
    """Calls through nginx, the way the client apps do."""

    def __init__(self, stack: Stack):
        self._stack = stack
        self._session = requests.Session()

    def request(self, method: str, path: str, *, token: str | None = None, json=None, params=None,
                headers: dict | None = None, data=None, api_key: str | None = "default") -> requests.Response:
        sent = dict(headers or {})
        if api_key == "default":
            api_key = self._stack.api_key
        if api_key is not None:
            sent["apikey"] = api_key
        if token:
            sent["Authorization"] = f"JWT {token}"
        # Redirects are not followed: the API never redirects, so one is a finding, not a detour.
        return self._session.request(method, self._stack.gateway_url + path, json=json, params=params,
                                     data=data, headers=sent, timeout=15, allow_redirects=False)


@pytest.fixture(scope="session")
def stack():
    # REST for the services, WebSocket for the browsers (pusher-js) of the web app's tests.
    pusher = FakePusherServer(PUSHER["app_id"], PUSHER["key"], PUSHER["secret"], ws_port=0).start()
    beams = FakeBeamsServer(BEAMS["instance_id"], BEAMS["secret_key"]).start()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    environment = {
        **os.environ,
        "API_KEYS": f"{API_KEY},second-e2e-key",
        "CORS_ORIGINS": f"{WEB_ORIGIN},http://localhost:3000",
        "PUSHER_APP_ID": PUSHER["app_id"], "PUSHER_KEY": PUSHER["key"], "PUSHER_SECRET": PUSHER["secret"],
        "PUSHER_HOST": "127.0.0.1", "PUSHER_PORT": str(pusher.port), "PUSHER_SSL": "false",
        "PUSHER_WS_HOST": "127.0.0.1", "PUSHER_WS_PORT": str(pusher.ws_port), "WEB_API_KEY": API_KEY,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port),
        "BEAMS_INSTANCE_ID": BEAMS["instance_id"], "BEAMS_SECRET_KEY": BEAMS["secret_key"],
        "BEAMS_ENDPOINT": beams.endpoint, "BEAMS_SSL": "false",
        "ADMIN_EMAIL": "e2e-admin@example.com", "ADMIN_PASSWORD": "e2e-admin-password",
        "STREAM_RING_TIMEOUT_SECONDS": "30", "STREAM_PING_TIMEOUT_SECONDS": "15",
    }
    result = subprocess.run([*STACK, "up", "--profile", "test", "--fresh"], env=environment,
                            capture_output=True, text=True)
    if result.returncode != 0:
        subprocess.run([*STACK, "down", "--profile", "test"], env=environment, capture_output=True)
        pytest.fail(f"the test stack did not start:\n{result.stdout}\n{result.stderr}")
    try:
        yield Stack(gateway_url=GATEWAY_URL, api_key=API_KEY, pusher=pusher, beams=beams, mailbox=mailbox,
                    admin_email=environment["ADMIN_EMAIL"], admin_password=environment["ADMIN_PASSWORD"],
                    environment=environment)
    finally:
        subprocess.run([*STACK, "down", "--profile", "test"], env=environment, capture_output=True)
        smtp.stop()
        pusher.stop()
        beams.stop()


@pytest.fixture(scope="session")
def api(stack) -> Api:
    return Api(stack)


@pytest.fixture(scope="session")
def admin_token(api, stack) -> str:
    response = api.request("POST", "/auth", json={"email": stack.admin_email, "password": stack.admin_password})
    assert response.status_code == 200, response.text
    return response.json()["token"]
