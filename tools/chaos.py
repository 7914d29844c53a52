#!/usr/bin/env python3
"""Fault injection against the whole stack, on the isolated `bench` profile (`make chaos`).

    python tools/chaos.py            # a few minutes: CHAOS_FAULT_SECONDS (8) per fault, 17 faults

A steady mixed workload goes through the gateway (shoppers request streams and chat, dealers
accept, ping and stop, shoppers leave leads, dealers send loan links, admins read the dashboard)
while, one after the other, every kind of process is killed with SIGKILL (each web master, consumer,
relay and the worker; supervisord restarts them), every database backend of the stack is
terminated (pg_terminate_backend) and every broker connection is closed. The client behaves as
the API asks: it retries a 503 that carries Retry-After, at most twice.

Afterwards, once everything has settled, it checks that every acknowledged stream, lead and chat
message is in every read model exactly once, that no outbox row is left unsent, that no message
waits in a queue or a dead-letter queue, and prints the client-visible errors per fault and the
duplicate e-mails and pushes per fault. It exits 1 if anything was lost or stuck. Not part of
`make test`: it takes minutes and shakes the whole machine.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import requests
import sqlalchemy as sa
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import stack  # noqa: E402

from dropin_common.testing import close_vhost_connections, rabbitmqctl  # noqa: E402

API_KEY = "chaos-api-key"
ADMIN = ("chaos-admin@example.com", "chaos-admin-password")
VIN = "1HGCM82633A004352"
FAULT_SECONDS = float(os.environ.get("CHAOS_FAULT_SECONDS", "8"))
SHOPPERS = int(os.environ.get("CHAOS_SHOPPERS", "4"))
SETTLE_SECONDS = float(os.environ.get("CHAOS_SETTLE_SECONDS", "90"))
KILLED = ["auth-web", "streams-web", "dashboard-web", "chat-web",
          "streams-consumer", "dashboard-consumer", "dashboard-accounts-consumer", "chat-consumer",
          "auth-relay-broker", "streams-relay-broker", "streams-relay-pusher", "streams-relay-email",
          "chat-relay-broker", "chat-relay-pusher", "streams-worker"]
FAULTS = ["baseline", *[f"kill {name}" for name in KILLED], "terminate db backends", "close broker connections",
          "after"]


def log(message: str) -> None:
    print(f"[chaos] {message}", flush=True)


# --- what the client saw ------------------------------------------------------------------------

@dataclass
class Ledger:
    """Everything the workload did and saw, attributed to the fault in force at the time."""
    fault: str = "setup"
    requests: Counter = field(default_factory=Counter)
    retried_503: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=lambda: defaultdict(Counter))  # fault -> "METHOD path-kind status"
    streams: list = field(default_factory=list)
    leads: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    loan_links: list = field(default_factory=list)  # (stream id, shopper e-mail)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what: str, value) -> None:
        with self.lock:
            getattr(self, what).append(value)


class Client:
    def __init__(self, base: str, ledger: Ledger):
        self.base, self.ledger = base, ledger
        self.session = requests.Session()
        self.session.headers["apikey"] = API_KEY

    def call(self, method: str, path: str, kind: str, *, token: str | None = None, **kwargs):
        headers = {"Authorization": f"JWT {token}"} if token else {}
        for attempt in range(3):
            fault = self.ledger.fault
            with self.ledger.lock:
                self.ledger.requests[fault] += 1
            try:
                response = self.session.request(method, self.base + path, headers=headers, timeout=15, **kwargs)
            except requests.RequestException as exc:
                self._fail(fault, f"{method} {kind} {type(exc).__name__}")
                return None
            if response.status_code == 503 and "Retry-After" in response.headers and attempt < 2:
                with self.ledger.lock:
                    self.ledger.retried_503[fault] += 1
                time.sleep(min(float(response.headers["Retry-After"]), 2.0))
                continue
            if response.status_code >= 500 or response.status_code in (404, 403, 401):
                code = _error_code(response)
                self._fail(fault, f"{method} {kind} {response.status_code} {code}")
            return response
        return response

    def _fail(self, fault: str, what: str) -> None:
        with self.ledger.lock:
            self.ledger.failures[fault][what] += 1


def _error_code(response) -> str:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return "?"


# --- the outside world: a recording SMTP server; the stack's Pusher stand-in --------------------

class Mailbox:
    def __init__(self):
        self.received: list[tuple[str, str, str]] = []  # (Message-ID, To, fault)
        self.ledger: Ledger | None = None

    async def handle_DATA(self, server, session, envelope):
        mail = message_from_bytes(envelope.content)
        self.received.append((mail["Message-ID"], mail["To"], self.ledger.fault if self.ledger else "setup"))
        return "250 OK"


def pushes(profile) -> list[dict]:
    return requests.get(f"http://127.0.0.1:{profile.port('pusher')}/_received", timeout=30).json()["events"]


# --- the workload -------------------------------------------------------------------------------

def setup_organization(client: Client) -> tuple[dict, list[str]]:
    admin = client.call("POST", "/auth", "login", json={"email": ADMIN[0], "password": ADMIN[1]}).json()["token"]
    code = f"chaos{uuid.uuid4().hex[:8]}"
    organization = client.call("POST", "/organizations", "organization", token=admin, json={
        "name": "Chaos Motors", "code": code, "loanLink": "https://loans.example.com/chaos"}).json()
    tokens = []
    for n in range(3):
        name = f"chaosdealer{n}{uuid.uuid4().hex[:6]}"
        account = client.call("POST", "/auth/register", "register", json={
            "email": f"{name}@example.com", "password": "s3cret-password", "firstName": "Dana",
            "lastName": name, "username": name}).json()
        client.call("PATCH", f"/accounts/{account['id']}", "activate", token=admin,
                    json={"status": "active", "organizationId": organization["id"]})
        login = {"username": name, "password": "s3cret-password"}
        token = client.call("POST", "/auth", "login", json=login).json()["token"]
        client.call("POST", "/accounts/status/online", "online", token=token)
        tokens.append(token)
    return {**organization, "adminToken": admin}, tokens


def shopper_loop(client: Client, organization: dict, dealers: list[str], stop: threading.Event) -> None:
    ledger = client.ledger
    while not stop.is_set():
        requested = client.call("POST", f"/streams/request/{organization['code']}", "request", json={"vin": VIN})
        if requested is None or requested.status_code != 201:
            time.sleep(0.2)
            continue
        stream_id = requested.json()["id"]
        ledger.note("streams", stream_id)
        dealer = random.choice(dealers)
        for text in ("Is it still available?", "Does it have a sunroof?"):
            posted = client.call("POST", f"/chat/{stream_id}", "chat", json={"message": text})
            if posted is not None and posted.status_code == 201:
                ledger.note("messages", posted.json()["id"])
        client.call("POST", f"/streams/accept/{stream_id}", "accept", token=dealer)
        client.call("POST", "/ping", "ping", token=dealer)
        client.call("POST", f"/streams/stop/{stream_id}", "stop", token=dealer)
        email = f"shopper-{uuid.uuid4().hex[:10]}@example.com"
        lead = client.call("POST", "/leads", "lead", json={"streamId": stream_id, "firstName": "Sam", "email": email})
        if lead is not None and lead.status_code == 201:
            ledger.note("leads", lead.json()["id"])
            sent = client.call("POST", f"/streams/sendloanlink/{stream_id}", "loanlink", token=dealer)
            if sent is not None and sent.status_code == 202:
                ledger.note("loan_links", (stream_id, email))


def reader_loop(client: Client, organization: dict, stop: threading.Event) -> None:
    admin = organization["adminToken"]
    while not stop.is_set():
        client.call("GET", "/dashboard/getcalls?limit=10", "dashboard", token=admin)
        client.call("GET", "/dashboard/countcalllead?from=2020-01-01&to=2099-12-31", "dashboard", token=admin)
        if client.ledger.streams:
            client.call("GET", f"/chat/{random.choice(client.ledger.streams[-20:])}?start=0&limit=10", "chat-read")
        time.sleep(0.1)


# --- faults -------------------------------------------------------------------------------------

def inject(profile, fault: str, engines: dict[str, sa.Engine]) -> str:
    if fault.startswith("kill "):
        name = fault.split(" ", 1)[1]
        pid = int(stack.supervisorctl(profile, "pid", name, check=False).stdout.strip() or 0)
        if pid <= 0:
            return f"{name} not running"
        os.kill(pid, signal.SIGKILL)
        return f"SIGKILL pid {pid}"
    if fault == "terminate db backends":
        databases = [profile.database(service) for service in stack.SERVICES]
        with engines["postgres"].connect() as conn:
            killed = conn.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = ANY(:names) AND pid <> pg_backend_pid()"), {"names": databases}).scalar()
        return f"{killed} backends terminated"
    if fault == "close broker connections":
        close_vhost_connections(stack.amqp_url(profile))
        return "closed"
    return ""


# --- checks -------------------------------------------------------------------------------------

def unsent_outbox_rows(engines) -> dict[str, tuple[int, int]]:
    found = {}
    for service in stack.SERVICES:
        with engines[service].connect() as conn:
            found[service] = conn.execute(sa.text(
                "SELECT count(*) FILTER (WHERE sent_at IS NULL AND given_up_at IS NULL), "
                "count(*) FILTER (WHERE given_up_at IS NOT NULL) FROM outbox")).one()
    return found


def queue_depths(profile) -> dict[str, int]:
    out = rabbitmqctl("list_queues", "-p", profile.vhost, "-q", "--no-table-headers", "name", "messages")
    depths = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            depths[parts[0]] = int(parts[1])
    return depths


def settled(profile, engines) -> bool:
    unsent = sum(pending for pending, _given_up in unsent_outbox_rows(engines).values())
    busy = sum(depth for name, depth in queue_depths(profile).items() if not name.endswith(".dead"))
    return unsent == 0 and busy == 0


def counts(engine, sql: str, ids: list[str]) -> Counter:
    with engine.connect() as conn:
        return Counter(dict(conn.execute(sa.text(sql), {"ids": ids}).all()))


def exactly_once(name: str, ids: list[str], found: Counter) -> tuple[str, int, int, int]:
    missing = sum(1 for i in ids if found[i] == 0)
    repeated = sum(1 for i in ids if found[i] > 1)
    return name, len(ids), missing, repeated


def check(profile, engines, ledger: Ledger, mailbox: Mailbox) -> bool:
    streams, leads, messages = ledger.streams, ledger.leads, ledger.messages
    rows = [
        exactly_once("streams: streams", streams, counts(
            engines["streams"], "SELECT id, count(*) FROM streams WHERE id = ANY(:ids) GROUP BY id", streams)),
        exactly_once("streams: dashboard calls", streams, counts(
            engines["dashboard"], "SELECT id, count(*) FROM calls WHERE id = ANY(:ids) GROUP BY id", streams)),
        exactly_once("streams: chat replica", streams, counts(
            engines["chat"], "SELECT id, count(*) FROM chat_streams WHERE id = ANY(:ids) GROUP BY id", streams)),
        exactly_once("leads: streams", leads, counts(
            engines["streams"], "SELECT id, count(*) FROM leads WHERE id = ANY(:ids) GROUP BY id", leads)),
        exactly_once("leads: dashboard leads", leads, counts(
            engines["dashboard"], "SELECT id, count(*) FROM leads WHERE id = ANY(:ids) GROUP BY id", leads)),
        exactly_once("chat messages: chat", messages, counts(
            engines["chat"], "SELECT id::text, count(*) FROM chat_messages WHERE id::text = ANY(:ids) GROUP BY id",
            messages)),
    ]
    received = pushes(profile)
    pushed_messages = Counter(event["data"].get("id") for event in received if event["name"] == "chat.message")
    rows.append(("chat messages: pushed", len(messages), sum(1 for m in messages if not pushed_messages[m]), 0))
    mailed = Counter(to for _mid, to, _fault in mailbox.received)
    rows.append(("loan links: mailed", len(ledger.loan_links),
                 sum(1 for _s, email in ledger.loan_links if not mailed[email]), 0))
    print("\n== every acknowledged write, in every read model (repeats = rows, not deliveries)")
    print(f"{'what':32} {'acked':>7} {'missing':>8} {'repeated':>9}")
    for name, acked, missing, repeated in rows:
        print(f"{name:32} {acked:7d} {missing:8d} {repeated:9d}")

    unsent = unsent_outbox_rows(engines)
    depths = queue_depths(profile)
    print("\n== nothing stuck")
    for service, (pending, given_up) in unsent.items():
        print(f"outbox {service:10} unsent {pending:5d}   set aside {given_up:5d}")
    for name, depth in sorted(depths.items()):
        print(f"queue  {name:20} {depth:5d}")
    stuck = sum(p for p, _ in unsent.values()) + sum(depths.values())
    lost = sum(missing + repeated for _n, _a, missing, repeated in rows)
    return lost == 0 and stuck == 0


def duplicates_by_fault(mailbox: Mailbox, push_events: list[dict],
                        push_faults: dict[str, str]) -> dict[str, tuple[int, int]]:
    seen_mail, mail_dupes = set(), Counter()
    for message_id, _to, fault in mailbox.received:
        if message_id in seen_mail:
            mail_dupes[fault] += 1
        seen_mail.add(message_id)
    seen_push, push_dupes = set(), Counter()
    for event in push_events:
        event_id = event["data"].get("eventId")
        key = (event_id, tuple(event["channels"]))
        if event_id and key in seen_push:
            push_dupes[push_faults.get(event_id, "?")] += 1
        seen_push.add(key)
    return {fault: (mail_dupes[fault], push_dupes[fault]) for fault in FAULTS}


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the run ------------------------------------------------------------------------------------

def main() -> None:
    profile = stack.PROFILES["bench"]
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    environment = {**os.environ, "API_KEYS": API_KEY, "ADMIN_EMAIL": ADMIN[0], "ADMIN_PASSWORD": ADMIN[1],
                   "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
    environment.pop("PUSHER_HOST", None)
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "tools" / "stack.py"), "up", "--profile", "bench", "--fresh"],
                   env=environment, check=True)
    engines = {service: sa.create_engine(stack.database_url(profile, service), pool_size=2,
                                            pool_pre_ping=True)
               for service in stack.SERVICES}
    engines["postgres"] = sa.create_engine(stack.postgres_url("postgres"), isolation_level="AUTOCOMMIT")
    ledger = Ledger()
    mailbox.ledger = ledger
    base = f"http://127.0.0.1:{profile.port('gateway')}"
    ok = False
    try:
        organization, dealers = setup_organization(Client(base, ledger))
        stop = threading.Event()
        workers = [threading.Thread(target=shopper_loop, args=(Client(base, ledger), organization, dealers, stop))
                   for _ in range(SHOPPERS)]
        workers.append(threading.Thread(target=reader_loop, args=(Client(base, ledger), organization, stop)))
        for worker in workers:
            worker.start()
        push_faults: dict[str, str] = {}
        for fault in FAULTS:
            ledger.fault = fault
            if fault != "after":
                detail = inject(profile, fault, engines)
                log(f"{fault}: {detail}" if detail else fault)
            time.sleep(FAULT_SECONDS)
            for event in pushes(profile):  # attribute pushes to the fault in force when they came
                push_faults.setdefault(event["data"].get("eventId"), fault)
        stop.set()
        for worker in workers:
            worker.join(30)
        ledger.fault = "settling"
        log(f"workload stopped after {time.monotonic() - started:.0f}s; waiting for the stack to settle")
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not settled(profile, engines):
            time.sleep(1)
        time.sleep(2)  # the last e-mails and pushes in flight

        print("\n== client-visible errors per fault (after retrying a 503 with Retry-After at most twice)")
        print(f"{'fault':32} {'requests':>8} {'503 retried':>11} {'failed':>7}  what failed")
        for fault in ["setup", *FAULTS, "settling"]:
            failed = ledger.failures.get(fault, Counter())
            detail = ", ".join(f"{what} x{n}" for what, n in failed.most_common(4))
            print(f"{fault:32} {ledger.requests[fault]:8d} {ledger.retried_503[fault]:11d} "
                  f"{sum(failed.values()):7d}  {detail}")
        push_events = pushes(profile)
        dupes = duplicates_by_fault(mailbox, push_events, push_faults)
        print("\n== duplicate deliveries per fault (same Message-ID / same Pusher eventId on the same channels)")
        print(f"{'fault':32} {'e-mails':>8} {'pushes':>7}")
        for fault in FAULTS:
            print(f"{fault:32} {dupes[fault][0]:8d} {dupes[fault][1]:7d}")
        print(f"total: {len(mailbox.received)} e-mails, {len(push_events)} pushes received")
        ok = check(profile, engines, ledger, mailbox)
        log(f"{'PASSED' if ok else 'FAILED'}: nothing lost or stuck" if ok else "FAILED: something was lost or stuck")
        log(f"took {time.monotonic() - started:.0f}s")
    finally:
        for engine in engines.values():
            engine.dispose()
        if os.environ.get("CHAOS_KEEP_STACK") != "1":
            subprocess.run([sys.executable, str(ROOT / "tools" / "stack.py"), "down", "--profile", "bench"],
                           env=environment)
        smtp.stop()
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
