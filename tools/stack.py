#!/usr/bin/env python3
"""Runs the whole Dropin Auto stack on this machine, without Docker.

    python tools/stack.py up [--profile dev|test|bench] [--fresh]
    python tools/stack.py down|status|logs [--profile ...]

A profile is an isolated copy of the stack: its own databases (dropin_<service><suffix>), its own
RabbitMQ vhost, its own ports (offset), its own var/<profile>/ folder (keys, config, logs, pids).
`make run` uses `dev`; the end-to-end tests use `test`; benchmarks use `bench`; all can run at once.

Every process (each service's Procfile entries, nginx, and, when PUSHER_HOST / BEAMS_INSTANCE_ID /
SMTP_HOST are not set, a local Pusher stand-in, a local Pusher Beams stand-in and a local SMTP sink)
runs under supervisord, which restarts what crashes and stops exactly what it started. The web app
(web/) is built with npm when its sources changed, and nginx serves it at `/`.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa

from dropin_common.config import DEVELOPMENT_SECRETS, is_production
from dropin_common.config import env_str as env
from dropin_common.config import postgres_url

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SERVICES = ("auth", "streams", "dashboard", "chat", "integrations")
BASE_PORTS = {"auth": 8101, "streams": 8102, "dashboard": 8103, "chat": 8104, "integrations": 8105,
              "openapi": 8106,  # the merged document (dropin_common.openapi_merge)
              "gateway": 8080, "pusher": 8190, "beams": 8191, "pusher_ws": 8192, "smtp": 8025, "baseline": 8199,
              "ops": 8180}
METRICS_BASE_PORT = 8300  # background processes' /metrics, /healthz, /readyz: 8300, 8301, ...
WEB = ROOT / "web"


@dataclass(frozen=True)
class Profile:
    name: str
    port_offset: int
    db_suffix: str
    vhost: str
    login_rate: str
    stream_request_rate: str
    register_rate: str = "6r/m"
    loan_link_rate: str = "6r/m"

    def port(self, what: str) -> int:
        if what == "gateway" and self.name == "dev":
            return int(os.environ.get("GATEWAY_PORT", BASE_PORTS["gateway"]))
        return BASE_PORTS[what] + self.port_offset

    @property
    def var(self) -> Path:
        return ROOT / "var" / self.name

    def database(self, service: str) -> str:
        return f"dropin_{service}{self.db_suffix}"


# DROPIN_TEST_SLOT (0-8) lets several checkouts on one machine run the test and bench profiles at
# once: each slot has its own ports, databases and vhost. Unset (0), nothing changes.
TEST_SLOT = int(os.environ.get("DROPIN_TEST_SLOT", "0") or 0)
_SLOT = f"_s{TEST_SLOT}" if TEST_SLOT else ""

PROFILES = {
    # Production-like limits for people; the test and bench profiles raise them because one
    # client (the test process) stands for many shoppers.
    "dev": Profile("dev", 0, "", "/", "10r/m", "6r/m"),
    "test": Profile("test", 10000 + 1000 * TEST_SLOT, "_e2e" + _SLOT, "dropin-e2e" + _SLOT, "600r/m", "600r/m",
                    register_rate="600r/m", loan_link_rate="600r/m"),
    "bench": Profile("bench", 20000 + 1000 * TEST_SLOT, "_bench" + _SLOT, "dropin-bench" + _SLOT,
                     "60000r/m", "60000r/m", register_rate="60000r/m", loan_link_rate="60000r/m"),
}


def log(message: str) -> None:
    print(f"[stack] {message}", flush=True)


# --- infrastructure -----------------------------------------------------------------------------

def database_url(profile: Profile, service: str) -> str:
    explicit = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if explicit and profile.name == "dev":
        return explicit
    return postgres_url(profile.database(service))


def ensure_databases(profile: Profile, fresh: bool) -> None:
    engine = sa.create_engine(postgres_url("postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for service in SERVICES:
            name = profile.database(service)
            if fresh:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                log(f"created database {name}")
    engine.dispose()


def amqp_url(profile: Profile) -> str:
    if profile.name == "dev" and os.environ.get("AMQP_URL"):
        return os.environ["AMQP_URL"]
    vhost = "%2F" if profile.vhost == "/" else profile.vhost
    return f"amqp://guest:guest@{env('AMQP_HOST', '127.0.0.1')}:5672/{vhost}"


def ensure_vhost(profile: Profile, fresh: bool) -> None:
    if profile.vhost == "/" or not shutil.which("rabbitmqctl"):
        return
    if fresh:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", profile.vhost], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", profile.vhost], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", profile.vhost, "guest", ".*", ".*", ".*"],
                   check=True, capture_output=True)


# --- configuration ------------------------------------------------------------------------------

def service_env(profile: Profile, service: str, keys: Path) -> dict[str, str]:
    pusher_local = not os.environ.get("PUSHER_HOST")
    smtp_local = not os.environ.get("SMTP_HOST")
    values = {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url(profile, service),
        "AMQP_URL": amqp_url(profile),
        "EVENT_EXCHANGE": env("EVENT_EXCHANGE", "dropin.events"),
        "JWT_PUBLIC_KEY_FILE": str(keys / "jwt_ed25519.pub.pem"),
        "PORT": str(profile.port(service)),
        "WEB_CONCURRENCY": env("WEB_CONCURRENCY", "2"),
        "PUSHER_APP_ID": env("PUSHER_APP_ID", "100001"),
        "PUSHER_KEY": env("PUSHER_KEY", "dev-key"),
        "PUSHER_SECRET": env("PUSHER_SECRET", "dev-secret"),
        "PUSHER_HOST": "127.0.0.1" if pusher_local else os.environ["PUSHER_HOST"],
        "PUSHER_PORT": str(profile.port("pusher")) if pusher_local else env("PUSHER_PORT", "443"),
        "PUSHER_SSL": "false" if pusher_local else env("PUSHER_SSL", "true"),
        "SMTP_HOST": "127.0.0.1" if smtp_local else os.environ["SMTP_HOST"],
        "SMTP_PORT": str(profile.port("smtp")) if smtp_local else env("SMTP_PORT", "25"),
        "STREAM_RING_TIMEOUT_SECONDS": env("STREAM_RING_TIMEOUT_SECONDS", "60"),
        "STREAM_PING_TIMEOUT_SECONDS": env("STREAM_PING_TIMEOUT_SECONDS", "30"),
        "APP_ENV": env("APP_ENV", "development"),
        # The gateway runs on this machine: only its address may tell the client's.
        "TRUSTED_PROXIES": env("TRUSTED_PROXIES", "127.0.0.1,::1"),
        "PRESENCE_TIMEOUT_SECONDS": env("PRESENCE_TIMEOUT_SECONDS", "120"),
        **beams_env(profile),
    }
    if service == "auth":  # only auth is told where the private key is (a folder only its owner reads)
        values["JWT_PRIVATE_KEY_FILE"] = str(keys / "auth" / "jwt_ed25519.pem")
    if service == "integrations":
        values["DASHBOARD_URL"] = env("DASHBOARD_URL", "http://localhost:3000")
        values["DELIVERY_RETRY_HOURS"] = env("DELIVERY_RETRY_HOURS", "24")
    if os.environ.get("JWT_TTL_SECONDS"):
        values["JWT_TTL_SECONDS"] = os.environ["JWT_TTL_SECONDS"]
    return values


LOCAL_BEAMS = {"BEAMS_INSTANCE_ID": "dev-beams-instance",
               "BEAMS_SECRET_KEY": "dev-beams-secret-key-for-the-local-stand-in"}


def beams_local() -> bool:
    """Pusher Beams is reached only with a real instance; without one, a local stand-in."""
    return not os.environ.get("BEAMS_INSTANCE_ID")


def beams_env(profile: Profile) -> dict[str, str]:
    if beams_local():
        return {**LOCAL_BEAMS, "BEAMS_ENDPOINT": f"127.0.0.1:{profile.port('beams')}", "BEAMS_SSL": "false"}
    values = {"BEAMS_INSTANCE_ID": os.environ["BEAMS_INSTANCE_ID"],
              "BEAMS_SECRET_KEY": os.environ.get("BEAMS_SECRET_KEY", ""), "BEAMS_SSL": env("BEAMS_SSL", "true")}
    if os.environ.get("BEAMS_ENDPOINT"):
        values["BEAMS_ENDPOINT"] = os.environ["BEAMS_ENDPOINT"]
    return values


def describe_pushes(profile: Profile) -> str:
    if beams_local():
        return f"pushes go to the local Pusher Beams stand-in (http://127.0.0.1:{profile.port('beams')}/_received)"
    if not os.environ.get("BEAMS_SECRET_KEY"):
        return "push notifications are OFF: BEAMS_INSTANCE_ID is set but BEAMS_SECRET_KEY is not"
    return f"pushes go to Pusher Beams instance {os.environ['BEAMS_INSTANCE_ID']}"


def procfile(service: str) -> list[tuple[str, str]]:
    entries = []
    for line in (ROOT / "services" / service / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries.append((name.strip(), command.strip()))
    return entries


# Processes no one waits on at the moment they work: read models (dashboard, chat's copy of the
# streams) and the broker relays that feed them, CRM/webhook/mail delivery and the sweeper. They
# run at a lower CPU priority, so on a busy machine a shopper's ring (streams web, its Pusher
# relay, the gateway) is served first and these catch up a few milliseconds later. Auth's
# broker relay, the streams consumer and the dashboard's accounts consumer, which carry token
# revocations, stay at the normal priority (chat's consumer applies revocations too, later under load).
# The Beams relay too waits its turn: a phone's push travels through APNs/FCM for hundreds of
# milliseconds anyway, while the Pusher trigger it would compete with is the ring a dealer at the
# dashboard sees.
# The Helm chart gives each process its own pod and CPU request instead.
BACKGROUND_PROCESSES = frozenset({
    "dashboard-consumer", "integrations-consumer", "integrations-relay-email", "integrations-relay-webhook",
    "streams-relay-email", "streams-relay-broker", "streams-relay-beams", "streams-worker", "chat-consumer",
    "chat-relay-broker"})
BACKGROUND_NICENESS = 10


def metrics_ports(profile: Profile) -> dict[str, int]:
    """Each background process's METRICS_PORT, in Procfile order (web processes serve /metrics
    on their own port)."""
    names = [f"{service}-{process}" for service in SERVICES for process, _ in procfile(service)
             if process != "web"]
    return {name: METRICS_BASE_PORT + profile.port_offset + index for index, name in enumerate(names)}


def ops_locations(profile: Profile) -> str:
    """The gateway's operator listener: /metrics/<service> (web) and /metrics/<service>-<process>."""
    targets = {service: profile.port(service) for service in SERVICES}
    targets.update(metrics_ports(profile))
    return "\n".join(f"        location = /metrics/{name} {{ proxy_pass http://127.0.0.1:{port}/metrics; }}"
                     for name, port in targets.items())


def supervisor_program(name: str, command: str, directory: Path, environment: dict[str, str],
                       logs: Path, *, autostart: bool = True, writes_own_log: bool = False) -> str:
    """`writes_own_log`: the process appends its JSON lines to `<name>.log` itself (LOG_FILE), and
    the supervisor keeps only what else reaches stdout/stderr (a crash's traceback) in
    `<name>.console.log`; a line through the supervisor's pipe costs its CPU too."""
    console = logs / (f"{name}.console.log" if writes_own_log else f"{name}.log")
    if writes_own_log:
        environment = {**environment, "LOG_FILE": str(logs / f"{name}.log")}
    # supervisord interpolates %(...)s in its config: a literal % (as in amqp://.../%2F) is %%.
    env_line = ",".join(f'{key}="{value}"'.replace("%", "%%") for key, value in environment.items())
    command = command.replace("%", "%%")
    return f"""
[program:{name}]
command={command}
directory={directory}
environment={env_line}
autostart={str(autostart).lower()}
autorestart=true
startsecs=1
startretries=20
stopasgroup=true
killasgroup=true
stopwaitsecs=10
redirect_stderr=true
stdout_logfile={console}
stdout_logfile_maxbytes=20MB
stdout_logfile_backups=2
"""


CORS_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def cors_origin_lines(setting: str) -> str:
    """The body of the gateway's `map $http_origin $cors_allow_origin`: an explicit allow-list.
    Each listed origin (scheme://host[:port], exactly as browsers send it) is echoed; any other
    gets no Access-Control-Allow-Origin. `*` and `null` (sandboxed frames, file: pages) are refused."""
    origins = [origin.strip() for origin in setting.split(",") if origin.strip()]
    if not origins:
        raise SystemExit("CORS_ORIGINS is empty: list the web app's origins (scheme://host[:port])")
    for origin in origins:
        if not CORS_ORIGIN.fullmatch(origin):
            raise SystemExit(f"CORS_ORIGINS: {origin!r} is not an origin (scheme://host[:port], no path; "
                             f"`*` and `null` are never allowed)")
    return "\n".join(['        default "";'] + [f'        "{origin}" $http_origin;' for origin in origins])


def default_cors_origins(profile: Profile) -> str:
    """The local web app is served by the gateway itself (`/`): its own origin, both spellings."""
    port = profile.port("gateway")
    return f"http://127.0.0.1:{port},http://localhost:{port}"


RATE = re.compile(r"([0-9]+)r/([sm])")


def retry_after_seconds(rate: str) -> int:
    """What a client limited at `rate` (nginx's `10r/m` or `5r/s`) should wait: the time one
    request's share of the rate takes, rounded up to whole seconds (at least 1)."""
    match = RATE.fullmatch(rate.strip())
    if not match or int(match.group(1)) == 0:
        raise SystemExit(f"not an nginx rate (like 10r/m or 5r/s): {rate!r}")
    per_second = int(match.group(1)) / (60 if match.group(2) == "m" else 1)
    return max(1, math.ceil(1 / per_second))


def refuse_development_api_keys(keys: list[str]) -> None:
    """APP_ENV=production: the gateway does not start on the development API key."""
    development = sorted(DEVELOPMENT_SECRETS & set(keys))
    if is_production() and (development or not keys):
        problem = f"holds the development key {development[0]!r}" if development else "is not set"
        raise SystemExit(f"gateway: APP_ENV=production refuses development secrets: API_KEYS {problem}")
def web_api_key() -> str:
    """The apikey the web app's API calls carry: WEB_API_KEY, else the first of API_KEYS. It is
    public (every browser sees it), so it must be one the gateway accepts, and nothing more."""
    keys = [key.strip() for key in env("API_KEYS", "dev-api-key").split(",") if key.strip()]
    chosen = env("WEB_API_KEY", keys[0])
    if chosen not in keys:
        raise SystemExit("WEB_API_KEY must be one of API_KEYS")
    return chosen


def web_config(profile: Profile) -> dict:
    """`/config.json` of the web app: its apikey and where pusher-js connects. With the local
    stand-in, its WebSocket port; with PUSHER_HOST set, PUSHER_WS_HOST/PUSHER_WS_PORT when given
    (another stand-in, as in the e2e tests), else Pusher itself in PUSHER_CLUSTER."""
    pusher = {"key": env("PUSHER_KEY", "dev-key"), "cluster": env("PUSHER_CLUSTER", "mt1")}
    if not os.environ.get("PUSHER_HOST"):
        pusher.update(wsHost="127.0.0.1", wsPort=profile.port("pusher_ws"), forceTLS=False)
    elif os.environ.get("PUSHER_WS_HOST"):
        pusher.update(wsHost=os.environ["PUSHER_WS_HOST"], wsPort=int(env("PUSHER_WS_PORT", "443")),
                      forceTLS=env("PUSHER_WS_TLS", "false").lower() == "true")
    return {"apiKey": web_api_key(), "pusher": pusher}


def web_sources_changed() -> bool:
    built = WEB / "dist" / "index.html"
    if not built.exists():
        return True
    sources = [WEB / "index.html", WEB / "package-lock.json", WEB / "vite.config.ts", WEB / "tsconfig.json",
               *(WEB / "src").rglob("*"), *(WEB / "public").rglob("*")]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    return newest > built.stat().st_mtime


def build_web() -> None:
    """`npm ci` when node_modules is missing or older than the lock file, then `npm run build`
    when a source is newer than the last build. Without npm, the API still runs; `/` is a 404."""
    if not web_sources_changed():
        return
    npm = shutil.which("npm")
    if not npm:
        log("npm not found: the web app is not built (install Node.js 20+ and run `make run` again)")
        return
    modules = WEB / "node_modules" / ".package-lock.json"
    if not modules.exists() or modules.stat().st_mtime < (WEB / "package-lock.json").stat().st_mtime:
        log("installing the web app's packages (npm ci)")
        run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB)
    started = time.monotonic()
    run([npm, "run", "build"], cwd=WEB)
    log(f"built the web app in {time.monotonic() - started:.1f}s")


def render_gateway(profile: Profile, extra_locations: str = "") -> Path:
    run_dir, log_dir = profile.var / "run", profile.var / "logs"
    keys = [key.strip() for key in env("API_KEYS", "dev-api-key").split(",") if key.strip()]
    refuse_development_api_keys(keys)
    login_rate = env("GATEWAY_LOGIN_RATE", profile.login_rate)
    register_rate = env("GATEWAY_REGISTER_RATE", profile.register_rate)
    stream_request_rate = env("GATEWAY_STREAM_REQUEST_RATE", profile.stream_request_rate)
    loan_link_rate = env("GATEWAY_LOAN_LINK_RATE", profile.loan_link_rate)
    replacements = {
        "RUN_DIR": str(run_dir), "LOG_DIR": str(log_dir),
        "LISTEN": f"127.0.0.1:{profile.port('gateway')}",
        "OPS_LISTEN": f"127.0.0.1:{profile.port('ops')}", "OPS_LOCATIONS": ops_locations(profile),
        "MAX_BODY": env("GATEWAY_MAX_BODY", "64k"),
        "API_KEY_LINES": "\n".join(f'        "{key}" 1;' for key in keys),
        "CORS_ORIGIN_LINES": cors_origin_lines(env("CORS_ORIGINS", default_cors_origins(profile))),
        "LOGIN_RATE": login_rate, "LOGIN_BURST": "10",
        "LOGIN_RETRY_AFTER": str(retry_after_seconds(login_rate)),
        "REGISTER_RATE": register_rate, "REGISTER_BURST": "5",
        "REGISTER_RETRY_AFTER": str(retry_after_seconds(register_rate)),
        "STREAM_REQUEST_RATE": stream_request_rate, "STREAM_REQUEST_BURST": "5",
        "STREAM_REQUEST_RETRY_AFTER": str(retry_after_seconds(stream_request_rate)),
        "LOAN_LINK_RATE": loan_link_rate, "LOAN_LINK_BURST": "5",
        "LOAN_LINK_RETRY_AFTER": str(retry_after_seconds(loan_link_rate)),
        "AUTH_PORT": str(profile.port("auth")), "STREAMS_PORT": str(profile.port("streams")),
        "DASHBOARD_PORT": str(profile.port("dashboard")), "CHAT_PORT": str(profile.port("chat")),
        "INTEGRATIONS_PORT": str(profile.port("integrations")),
        "EXTRA_LOCATIONS": extra_locations,
        "WEB_ROOT": str(WEB / "dist"), "WEB_CONFIG": str(profile.var / "web-config.json"),
        "OPENAPI_PORT": str(profile.port("openapi")),
    }
    (profile.var / "web-config.json").write_text(json.dumps(web_config(profile), indent=2))
    text = (ROOT / "gateway" / "nginx.conf.template").read_text()
    for key, value in replacements.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise SystemExit("gateway template has an unreplaced @@placeholder@@")
    if os.geteuid() == 0:
        # nginx's workers would run as `nobody`, who cannot read the web app's files inside a
        # checkout in a private folder (a `mktemp -d` clone is 0700): they run as the owner instead.
        text = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" + text
    target = profile.var / "nginx.conf"
    target.write_text(text)
    return target


def bench_locations(profile: Profile) -> str:
    # Only the bench profile: the baseline app the streams benchmark compares against.
    if profile.name != "bench":
        return ""
    return (f"        location /__baseline/ {{ proxy_pass http://127.0.0.1:{profile.port('baseline')}; }}\n")


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: run `sudo apt-get install -y nginx` (make run does it as root)")
    return found


def write_supervisor_config(profile: Profile) -> Path:
    var, logs, run = profile.var, profile.var / "logs", profile.var / "run"
    keys = var / "keys"
    nginx_conf = render_gateway(profile, bench_locations(profile))
    parts = [f"""[unix_http_server]
file={run / 'supervisor.sock'}

[supervisord]
logfile={logs / 'supervisord.log'}
pidfile={run / 'supervisord.pid'}
childlogdir={logs}
nodaemon=false

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{run / 'supervisor.sock'}
"""]
    base_env = {"PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}", "PYTHONUNBUFFERED": "1"}
    ports = metrics_ports(profile)
    for service in SERVICES:
        environment = service_env(profile, service, keys)
        for process, command in procfile(service):
            name = f"{service}-{process}"
            process_env = {**environment, "METRICS_HOST": "127.0.0.1", "METRICS_PORT": str(ports[name])} \
                if name in ports else environment
            if name in BACKGROUND_PROCESSES:
                command = f"nice -n {BACKGROUND_NICENESS} {command}"
            parts.append(supervisor_program(name, command, ROOT / "services" / service,
                                            process_env, logs, writes_own_log=True))
    documents = " ".join(f"{service}=http://127.0.0.1:{profile.port(service)}/openapi.json" for service in SERVICES)
    parts.append(supervisor_program(
        "openapi-merge", f"python -m dropin_common.openapi_merge --port {profile.port('openapi')} {documents}",
        ROOT, base_env, logs))
    parts.append(supervisor_program(
        "gateway", f"{nginx_binary()} -p {run} -e {logs / 'nginx-error.log'} -c {nginx_conf}", ROOT,
        base_env, logs))
    if not os.environ.get("PUSHER_HOST"):
        pusher_env = {**base_env, **{k: v for k, v in service_env(profile, "streams", keys).items()
                                      if k.startswith("PUSHER_")}}
        parts.append(supervisor_program(
            "pusher-standin", f"python -m dropin_common.fake_pusher --port {profile.port('pusher')} "
                              f"--ws-port {profile.port('pusher_ws')}",
            ROOT, pusher_env, logs))
    if beams_local():
        beams_env_values = {**base_env, **LOCAL_BEAMS}
        # A stand-in for a service that runs elsewhere: its CPU here should not come before the stack's.
        parts.append(supervisor_program(
            "beams-standin", f"nice -n {BACKGROUND_NICENESS} python -m dropin_common.fake_beams "
                             f"--port {profile.port('beams')}", ROOT, beams_env_values, logs))
    if not os.environ.get("SMTP_HOST"):
        parts.append(supervisor_program(
            "smtp-sink", f"python -m aiosmtpd -n -c aiosmtpd.handlers.Debugging stdout "
                         f"-l 127.0.0.1:{profile.port('smtp')}", ROOT, base_env, logs))
    target = var / "supervisord.conf"
    target.write_text("".join(parts))
    return target


# --- steps --------------------------------------------------------------------------------------

def run(command: list[str], *, cwd: Path = ROOT, environment: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(environment or {})},
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(command)}")


def migrate(profile: Profile) -> None:
    """Each service's `migrate` step: its database schema, and the whole broker topology, so no
    relay ever publishes an event before the queue meant to receive it exists."""
    for service in SERVICES:
        run([str(VENV_BIN / "python"), "-m", "dropin_common.migrate"], cwd=ROOT / "services" / service,
            environment={"DATABASE_URL": database_url(profile, service), "AMQP_URL": amqp_url(profile),
                         "EVENT_EXCHANGE": env("EVENT_EXCHANGE", "dropin.events")})
    log("migrated " + ", ".join(profile.database(s) for s in SERVICES) + "; broker topology declared")


def prepare_auth(profile: Profile) -> tuple[str, str]:
    keys = profile.var / "keys"
    auth_env = service_env(profile, "auth", keys)
    run([str(VENV_BIN / "python"), "-m", "dropin_auth.entrypoints.cli", "generate-keys",
         "--out", str(keys / "auth"), "--public-out", str(keys)],
        cwd=ROOT / "services" / "auth", environment=auth_env)
    email, password = env("ADMIN_EMAIL", "admin@example.com"), env("ADMIN_PASSWORD", "change-me-now")
    run([str(VENV_BIN / "python"), "-m", "dropin_auth.entrypoints.cli", "create-admin",
         "--email", email, "--password", password], cwd=ROOT / "services" / "auth", environment=auth_env)
    return email, password


def supervisord_running(profile: Profile) -> bool:
    pidfile = profile.var / "run" / "supervisord.pid"
    if not pidfile.exists():
        return False
    try:
        os.kill(int(pidfile.read_text().strip()), 0)
        return True
    except (ValueError, ProcessLookupError, PermissionError):
        return False


def supervisorctl(profile: Profile, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "supervisorctl"), "-c", str(profile.var / "supervisord.conf"), *args],
                          capture_output=True, text=True, check=check)


def wait_healthy(profile: Profile, timeout: float = 180.0) -> None:
    # Generous: on a loaded machine (or a PostgreSQL briefly out of connections) start-up is slow.
    targets = {s: f"http://127.0.0.1:{profile.port(s)}/readyz" for s in SERVICES}
    targets["gateway"] = f"http://127.0.0.1:{profile.port('gateway')}/healthz"
    targets["openapi-merge"] = f"http://127.0.0.1:{profile.port('openapi')}/readyz"
    targets.update({name: f"http://127.0.0.1:{port}/readyz" for name, port in metrics_ports(profile).items()})
    deadline = time.monotonic() + timeout
    pending = dict(targets)
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    del pending[name]
            except requests.RequestException:
                pass
        if pending:
            time.sleep(0.3)
    if pending:
        status = supervisorctl(profile, "status", check=False).stdout
        raise SystemExit(f"not healthy after {timeout:.0f}s: {', '.join(pending)}\n{status}\n"
                         f"logs: {profile.var / 'logs'}")


def up(profile: Profile, fresh: bool) -> None:
    started = time.monotonic()
    if fresh and supervisord_running(profile):
        down(profile)
    for folder in ("logs", "run", "keys"):
        (profile.var / folder).mkdir(parents=True, exist_ok=True)
    build_web()
    ensure_databases(profile, fresh)
    ensure_vhost(profile, fresh)
    migrate(profile)
    email, password = prepare_auth(profile)
    config = write_supervisor_config(profile)
    if supervisord_running(profile):
        supervisorctl(profile, "update", check=False)
        supervisorctl(profile, "start", "all", check=False)
    else:
        run([str(VENV_BIN / "supervisord"), "-c", str(config)])
    wait_healthy(profile)
    keys = env("API_KEYS", "dev-api-key").split(",")[0].strip()
    log(describe_pushes(profile))
    log(f"up in {time.monotonic() - started:.1f}s ({profile.name})")
    print(f"""
  Gateway:   http://127.0.0.1:{profile.port('gateway')}
  Metrics:   http://127.0.0.1:{profile.port('ops')}/metrics/<process>   (operators only, e.g. /metrics/streams)
  Web app:   http://127.0.0.1:{profile.port('gateway')}/   (shopper demo: /demo/<organization code>?vin=<VIN>)
  API key:   {keys}            (header  apikey: {keys})
  Admin:     {email} / {password}
  Logs:      {profile.var / 'logs'}   (make logs)
  Stop:      make stop
""", flush=True)


def down(profile: Profile) -> None:
    if not supervisord_running(profile):
        log(f"{profile.name}: not running")
        return
    pid = int((profile.var / "run" / "supervisord.pid").read_text().strip())
    supervisorctl(profile, "shutdown", check=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    log(f"{profile.name}: stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("up", "down", "status", "logs"))
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dev")
    parser.add_argument("--fresh", action="store_true", help="drop the profile's databases and vhost first")
    args = parser.parse_args()
    profile = PROFILES[args.profile]
    if args.command == "up":
        up(profile, args.fresh)
    elif args.command == "down":
        down(profile)
    elif args.command == "status":
        if not supervisord_running(profile):
            log(f"{profile.name}: not running")
            return
        print(supervisorctl(profile, "status", check=False).stdout, end="")
    else:
        os.execvp("tail", ["tail", "-n", "40", "-F", *map(str, sorted((profile.var / "logs").glob("*.log")))])


if __name__ == "__main__":
    main()
