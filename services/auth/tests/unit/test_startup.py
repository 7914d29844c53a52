"""Auth's web app reads its keys when it starts: a missing or unreadable key stops the start with a
message naming the variable, instead of failing the first login. Commands that sign nothing start
without keys."""
import pytest

from dropin_auth.bootstrap import bootstrap
from dropin_common.config import ConfigError


@pytest.fixture(autouse=True)
def no_keys(monkeypatch):
    for name in ("JWT_PRIVATE_KEY_FILE", "JWT_PUBLIC_KEY_FILE", "JWT_PUBLIC_KEY", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_the_web_app_will_not_start_without_a_signing_key():
    with pytest.raises(ConfigError, match="JWT_PRIVATE_KEY_FILE is not set"):
        bootstrap()


def test_an_unreadable_signing_key_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(tmp_path / "gone.pem"))
    with pytest.raises(ConfigError, match=f"JWT_PRIVATE_KEY_FILE={tmp_path / 'gone.pem'} cannot be read"):
        bootstrap()


def test_a_signing_key_that_is_not_a_key_names_the_file(monkeypatch, tmp_path):
    (tmp_path / "jwt.pem").write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(tmp_path / "jwt.pem"))
    with pytest.raises(ConfigError, match="is not a PEM private key"):
        bootstrap()


def test_the_consumer_relay_and_commands_need_no_keys():
    container = bootstrap(signing=False)
    container.engine.dispose()
