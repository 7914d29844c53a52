"""The auth service's configuration, read from the environment by bootstrap only."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dropin_common.config import CommonSettings, env_int, refuse_development_secrets

from .adapters.keys import PRIVATE_KEY_NAME, PUBLIC_KEY_NAME
from .adapters.tokens import DEFAULT_TTL_SECONDS


@dataclass(frozen=True)
class AuthSettings:
    common: CommonSettings
    private_key_file: str | None
    token_ttl_seconds: int = DEFAULT_TTL_SECONDS
    login_max_failures: int = 10
    login_window_seconds: int = 300
    login_max_identifier_failures: int = 30  # from any number of addresses

    @classmethod
    def from_env(cls) -> AuthSettings:
        private_key_file = os.environ.get("JWT_PRIVATE_KEY_FILE") or _private_key_beside_public()
        refuse_development_secrets("auth", {"JWT_PRIVATE_KEY_FILE": private_key_file})
        return cls(
            common=CommonSettings.from_env("auth"),
            private_key_file=private_key_file,
            token_ttl_seconds=env_int("JWT_TTL_SECONDS", DEFAULT_TTL_SECONDS),
            login_max_failures=env_int("LOGIN_MAX_FAILURES", 10),
            login_window_seconds=env_int("LOGIN_FAILURE_WINDOW_SECONDS", 300),
            login_max_identifier_failures=env_int("LOGIN_MAX_IDENTIFIER_FAILURES", 30),
        )


def _private_key_beside_public() -> str | None:
    """Without JWT_PRIVATE_KEY_FILE, the private half of a pair written by `generate-keys`
    next to JWT_PUBLIC_KEY_FILE."""
    public = os.environ.get("JWT_PUBLIC_KEY_FILE")
    if public and Path(public).name == PUBLIC_KEY_NAME:
        candidate = Path(public).with_name(PRIVATE_KEY_NAME)
        if candidate.exists():
            return str(candidate)
    return None
