"""One way to start every process: the configuration is read before anything connects, and what
cannot run stops the start with a message naming what to fix."""
import subprocess
import sys

import pytest

from dropin_common.config import CommonSettings, ConfigError
from dropin_common.process import PollingWorker, start


def run_module(module: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                               **env})


@pytest.mark.parametrize("module", ["dropin_streams.entrypoints.consumer", "dropin_chat.entrypoints.consumer",
                                    "dropin_dashboard.entrypoints.consumer",
                                    "dropin_dashboard.entrypoints.accounts_consumer",
                                    "dropin_integrations.entrypoints.consumer"])
def test_a_service_that_accepts_tokens_will_not_start_without_the_public_key(module):
    result = run_module(module, env={})
    assert result.returncode == 1  # sys.exit(message)
    assert "cannot start" in result.stderr and "no JWT public key: set JWT_PUBLIC_KEY_FILE" in result.stderr


def test_an_unreadable_public_key_file_stops_the_start_naming_the_file(tmp_path):
    result = run_module("dropin_chat.entrypoints.relay", "broker",
                        env={"JWT_PUBLIC_KEY_FILE": str(tmp_path / "missing.pem")})
    assert result.returncode == 1
    assert f"JWT_PUBLIC_KEY_FILE={tmp_path / 'missing.pem'} cannot be read" in result.stderr


def test_a_file_that_is_not_a_public_key_stops_the_start(tmp_path, monkeypatch):
    bad = tmp_path / "key.pem"
    bad.write_text("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n")
    monkeypatch.setenv("JWT_PUBLIC_KEY_FILE", str(bad))
    with pytest.raises(ConfigError, match="is not a PEM public key"):
        CommonSettings.from_env("chat")


def test_every_relay_takes_its_destination_the_same_way():
    for module, destinations in (("dropin_auth.entrypoints.relay", "{broker}"),
                                 ("dropin_streams.entrypoints.relay", "{broker,pusher,beams,email}"),
                                 ("dropin_chat.entrypoints.relay", "{broker,pusher}"),
                                 ("dropin_integrations.entrypoints.relay", "{email,webhook}")):
        result = run_module(module, "nowhere", env={})
        assert result.returncode == 2
        assert "argument destination: invalid choice: 'nowhere' (choose from" in result.stderr
        assert destinations.strip("{}").split(",")[0] in result.stderr


def test_start_reports_a_configuration_error_before_anything_runs(capsys):
    def build():
        raise ConfigError("SMTP_PORT must be an integer, got 'x'")
    with pytest.raises(SystemExit) as stopped:
        start("probe relay", build)
    assert stopped.value.code == "probe relay cannot start: SMTP_PORT must be an integer, got 'x'"


def test_a_polling_worker_repeats_full_batches_at_once_and_stops_when_told():
    calls = []

    def step() -> bool:
        calls.append(1)
        if len(calls) == 3:
            worker.stop()
        return True  # full batches: no sleeping in between
    worker = PollingWorker("probe worker", step, poll_seconds=60)
    worker.run_forever(handle_signals=False)
    assert len(calls) == 3
