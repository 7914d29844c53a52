from datetime import timedelta

from dropin_common.config import CommonSettings


def test_broker_rows_are_kept_for_replays_and_deliveries_pruned_after_the_retention(monkeypatch):
    monkeypatch.setenv("OUTBOX_RETENTION_HOURS", "48")
    settings = CommonSettings.from_env("probe")
    assert settings.outbox_retention("broker") is None
    assert settings.outbox_retention("pusher") == settings.outbox_retention("email") == timedelta(hours=48)
