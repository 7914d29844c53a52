from datetime import timedelta

import pytest

from dropin_chat.bootstrap import ChatSettings


def test_replica_wait_and_ended_grace_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHAT_STREAM_WAIT_SECONDS", "0.5")
    monkeypatch.setenv("CHAT_ENDED_GRACE_SECONDS", "60")

    policy = ChatSettings.from_env().policy

    assert policy.replica_wait.timeout_seconds == 0.5
    assert policy.ended_grace == timedelta(seconds=60)


def test_replica_wait_defaults_to_two_seconds(monkeypatch):
    monkeypatch.delenv("CHAT_STREAM_WAIT_SECONDS", raising=False)

    assert ChatSettings.from_env().policy.replica_wait.timeout_seconds == 2.0


def test_a_wait_that_is_not_a_number_is_a_clear_startup_error(monkeypatch):
    monkeypatch.setenv("CHAT_STREAM_WAIT_SECONDS", "soon")

    with pytest.raises(RuntimeError, match="CHAT_STREAM_WAIT_SECONDS"):
        ChatSettings.from_env()
