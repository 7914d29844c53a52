"""Typed configuration read from the environment, only ever inside a bootstrap (never at import).

A value that cannot be used stops the process at start-up with a ConfigError naming the variable
(`dropin_common.process` prints it and exits), never later at the first request that needs it."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a process that can run; the message says what to fix."""


def env_str(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


# The values the local stack and the compose file fall back to. Fine on a laptop; in production
# each one is a known secret, so a process refuses to start with any of them.
DEVELOPMENT_SECRETS = frozenset({"dev-api-key", "dev-secret", "change-me-now"})


def is_production() -> bool:
    return env_str("APP_ENV", "development").strip().lower() == "production"


def refuse_development_secrets(process: str, secrets: dict[str, str | None]) -> None:
    """With APP_ENV=production, a missing secret or a development default stops `process` at
    start-up with a message naming each one (never the value of a real secret)."""
    if not is_production():
        return
    problems = [f"{name} is not set" if not value else f"{name} is the development value {value!r}"
                for name, value in secrets.items() if not value or value in DEVELOPMENT_SECRETS]
    if problems:
        raise ConfigError(f"{process}: APP_ENV=production refuses development secrets: " + "; ".join(problems))


def postgres_url(database: str) -> str:
    """URL of `database` on the server named by the PG* variables (local trust auth by default)."""
    user = env_str("PGUSER", "postgres")
    password = os.environ.get("PGPASSWORD", "")
    auth = f"{user}:{password}" if password else user
    return (f"postgresql+psycopg://{auth}@{env_str('PGHOST', '127.0.0.1')}:{env_int('PGPORT', 5432)}"
            f"/{database}")


def database_url_for(service: str) -> str:
    """`DATABASE_URL` (what the stack sets per process), else `<SERVICE>_DATABASE_URL`, else
    `dropin_<service>` on the PG* server."""
    explicit = os.environ.get("DATABASE_URL") or os.environ.get(f"{service.upper()}_DATABASE_URL")
    return explicit or postgres_url(env_str(f"{service.upper()}_DATABASE_NAME", f"dropin_{service}"))


def read_key_file(path: str, variable: str = "JWT_PUBLIC_KEY_FILE") -> str:
    """The text of a PEM key file; a ConfigError naming `variable` if it cannot be read."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise ConfigError(f"{variable}={path} cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{variable}={path} is not a PEM key file: {exc}") from exc
    if "-----BEGIN " not in text:
        raise ConfigError(f"{variable}={path} is not a PEM key file")
    return text


def check_public_key(pem: str, source: str) -> str:
    """`pem` if it is a public key the verifier can use (Ed25519 or RSA); ConfigError otherwise."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    try:
        load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{source} is not a PEM public key: {exc}") from exc
    return pem


@dataclass(frozen=True)
class CommonSettings:
    service: str
    database_url: str
    amqp_url: str
    event_exchange: str
    jwt_public_key: str | None
    max_body_bytes: int
    outbox_retention_hours: int = 168  # sent pusher/email outbox rows are kept this long, then pruned
    inbox_retention_days: int = 30  # handled event ids are kept this long against redeliveries
    quorum_queues: bool = False  # consumers' queues as quorum queues (a RabbitMQ cluster)
    # How long a request waits for the accounts replica to hear of a change auth just made.
    replica_wait_seconds: float = 2.0
    # Peers whose X-Real-IP / X-Forwarded-For / X-Forwarded-Proto are believed (the gateway's).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")

    @classmethod
    def from_env(cls, service: str) -> CommonSettings:
        return cls(
            service=service,
            database_url=database_url_for(service),
            amqp_url=env_str("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"),
            event_exchange=env_str("EVENT_EXCHANGE", "dropin.events"),
            jwt_public_key=_public_key_from_env(),
            max_body_bytes=env_int("MAX_BODY_BYTES", 64 * 1024),
            outbox_retention_hours=env_int("OUTBOX_RETENTION_HOURS", 168),
            inbox_retention_days=env_int("INBOX_RETENTION_DAYS", 30),
            quorum_queues=env_bool("RABBITMQ_QUORUM_QUEUES", False),
            replica_wait_seconds=env_float("REPLICA_GRACE_SECONDS", 2.0),
            trusted_proxies=tuple(p.strip() for p in env_str("TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
                                  if p.strip()),
        )

    def outbox_retention(self, destination: str) -> timedelta | None:
        """How long the relay of `destination` keeps sent rows; None: for good. Sent broker rows are
        the service's event log, replayed to rebuild a read model (see the dashboard's README), so
        they are never pruned; notifications and mail are."""
        return None if destination == "broker" else timedelta(hours=self.outbox_retention_hours)

    @property
    def inbox_retention(self) -> timedelta:
        return timedelta(days=self.inbox_retention_days)

    def public_key(self) -> str:
        """The JWT public key every process that accepts tokens needs: without one, refuse to start
        (rather than answer every request 401)."""
        if not self.jwt_public_key:
            raise ConfigError(f"{self.service}: no JWT public key: set JWT_PUBLIC_KEY_FILE to the public key "
                              "auth signs with (`python -m dropin_auth.entrypoints.cli generate-keys` writes one)")
        return self.jwt_public_key


def _public_key_from_env() -> str | None:
    """JWT_PUBLIC_KEY_FILE (read and checked now), else JWT_PUBLIC_KEY (the PEM itself), else None."""
    key_file = os.environ.get("JWT_PUBLIC_KEY_FILE")
    if key_file:
        return check_public_key(read_key_file(key_file), f"JWT_PUBLIC_KEY_FILE={key_file}")
    if os.environ.get("JWT_PUBLIC_KEY"):
        return check_public_key(os.environ["JWT_PUBLIC_KEY"], "JWT_PUBLIC_KEY")
    return None


@dataclass(frozen=True)
class PusherSettings:
    app_id: str
    key: str
    secret: str
    host: str | None
    port: int | None
    ssl: bool

    @classmethod
    def from_env(cls) -> PusherSettings:
        port = os.environ.get("PUSHER_PORT")
        refuse_development_secrets("pusher", {"PUSHER_SECRET": env_str("PUSHER_SECRET", "dev-secret")})
        return cls(
            app_id=env_str("PUSHER_APP_ID", "100001"),
            key=env_str("PUSHER_KEY", "dev-key"),
            secret=env_str("PUSHER_SECRET", "dev-secret"),
            host=os.environ.get("PUSHER_HOST") or None,
            port=int(port) if port else None,
            ssl=env_bool("PUSHER_SSL", True),
        )


def configure_logging() -> None:
    """JSON log lines on stderr for the long-running processes (consumers, relays, workers); the
    web processes get the same through gunicorn's `logconfig_dict`. `LOG_LEVEL` sets the level."""
    import logging.config

    from .logs import json_logging_config
    logging.config.dictConfig(json_logging_config(env_str("LOG_LEVEL", "INFO").upper()))
