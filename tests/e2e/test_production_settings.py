"""APP_ENV=production: every service and the gateway refuse to start with a development secret,
and say which. These read settings only; no stack is started."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dropin_common.testing import TokenFactory

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import stack  # noqa: E402

PROBES = {
    "auth": "from dropin_auth.settings import AuthSettings; AuthSettings.from_env()",
    "streams": "from dropin_streams.bootstrap import StreamsSettings; StreamsSettings.from_env()",
    "dashboard": "from dropin_dashboard.bootstrap import bootstrap; bootstrap()",
    "chat": "from dropin_chat.bootstrap import ChatSettings; ChatSettings.from_env()",
    "chat pusher relay": "from dropin_common.config import PusherSettings; PusherSettings.from_env()",
}
CLEAN = {key: value for key, value in os.environ.items()
         if not key.startswith(("JWT_", "PUSHER_", "API_KEYS", "APP_ENV", "ADMIN_"))}


def start(code: str, **environment) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env={**CLEAN, **environment}, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def public_key(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "jwt.pub.pem"
    path.write_text(TokenFactory().public_pem)
    return path


@pytest.mark.parametrize("service", sorted(PROBES))
def test_each_service_refuses_to_start_in_production_without_its_secrets_and_names_them(service, public_key):
    refused = start(PROBES[service], APP_ENV="production")
    assert refused.returncode != 0
    expected = {"auth": "JWT_PRIVATE_KEY_FILE is not set", "chat pusher relay": "PUSHER_SECRET is the development"}
    assert expected.get(service, "JWT_PUBLIC_KEY_FILE is not set") in refused.stderr, refused.stderr
    assert start(PROBES[service], APP_ENV="development", JWT_PUBLIC_KEY_FILE=str(public_key)).returncode == 0


def test_a_missing_or_unreadable_public_key_stops_the_start_in_development_too(tmp_path):
    """Not every request answered 401 later: the process does not start."""
    refused = start(PROBES["dashboard"], APP_ENV="development")
    assert "no JWT public key: set JWT_PUBLIC_KEY_FILE" in refused.stderr, refused.stderr
    not_a_key = tmp_path / "jwt.pub.pem"
    not_a_key.write_text("not a key")
    refused = start(PROBES["streams"], APP_ENV="development", JWT_PUBLIC_KEY_FILE=str(not_a_key))
    assert f"JWT_PUBLIC_KEY_FILE={not_a_key} is not a PEM key file" in refused.stderr, refused.stderr


def test_streams_refuses_the_development_pusher_secret_in_production(public_key):
    refused = start(PROBES["streams"], APP_ENV="production", JWT_PUBLIC_KEY_FILE=str(public_key))
    assert "PUSHER_SECRET is the development value 'dev-secret'" in refused.stderr, refused.stderr
    assert start(PROBES["streams"], APP_ENV="production", JWT_PUBLIC_KEY_FILE=str(public_key),
                 PUSHER_SECRET="a-real-secret").returncode == 0


def test_create_admin_refuses_the_development_password_in_production():
    refused = subprocess.run([sys.executable, "-m", "dropin_auth.entrypoints.cli", "create-admin", "--email",
                              "a@example.com", "--password", "change-me-now"], cwd=ROOT / "services" / "auth",
                             env={**CLEAN, "APP_ENV": "production"}, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "ADMIN_PASSWORD is the development value" in refused.stderr


def test_the_gateway_refuses_the_development_api_key_in_production(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(SystemExit, match="API_KEYS holds the development key 'dev-api-key'"):
        stack.refuse_development_api_keys(["a-real-key", "dev-api-key"])
    stack.refuse_development_api_keys(["a-real-key"])
    monkeypatch.setenv("APP_ENV", "development")
    stack.refuse_development_api_keys(["dev-api-key"])


def test_the_container_gateway_refuses_the_development_api_key_in_production(tmp_path):
    render = subprocess.run(["sh", str(ROOT / "gateway" / "render.sh")], capture_output=True, text=True,
                            env={"PATH": os.environ["PATH"], "APP_ENV": "production"}, timeout=30)
    assert render.returncode == 1 and "API_KEYS is not set" in render.stderr


def test_cors_is_an_explicit_allow_list_never_any_origin_nor_null():
    assert '"https://app.example.com" $http_origin;' in stack.cors_origin_lines("https://app.example.com")
    for refused in ("*", "null", "https://app.example.com,*", ""):
        with pytest.raises(SystemExit):
            stack.cors_origin_lines(refused)
    assert stack.default_cors_origins(stack.PROFILES["dev"]).startswith("http://127.0.0.1:")


@pytest.mark.parametrize("rate, seconds", [("10r/m", 6), ("6r/m", 10), ("600r/m", 1), ("5r/s", 1), ("1r/m", 60)])
def test_the_gateways_retry_after_is_one_requests_share_of_the_rate(rate, seconds):
    assert stack.retry_after_seconds(rate) == seconds
