from datetime import timedelta

from dropin_common.config import CommonSettings


def test_broker_rows_are_kept_for_replays_and_deliveries_pruned_after_the_retention(monkeypatch):
    monkeypatch.setenv("OUTBOX_RETENTION_HOURS", "48")
    settings = CommonSettings.from_env("probe")
    assert settings.outbox_retention("broker") is None
    assert settings.outbox_retention("pusher") == settings.outbox_retention("email") == timedelta(hours=48)


def test_production_refuses_the_development_pusher_secret_naming_it(monkeypatch):
    import pytest

    from dropin_common.config import PusherSettings

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("PUSHER_SECRET", raising=False)
    with pytest.raises(RuntimeError, match="PUSHER_SECRET is the development value 'dev-secret'"):
        PusherSettings.from_env()
    monkeypatch.setenv("PUSHER_SECRET", "a-real-secret")
    assert PusherSettings.from_env().secret == "a-real-secret"
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("PUSHER_SECRET")
    assert PusherSettings.from_env().secret == "dev-secret"  # fine on a laptop
