"""A local stand-in for Pusher, for tests and the local stack (Pusher's servers are out of reach).

Its HTTP half is Pusher's REST API: it checks each request's signature exactly as Pusher does
(HMAC-SHA256 of method, path and sorted query, plus the body's MD5), answers 401 on a bad one, and
records every event. Given a `ws_port`, it also speaks the Pusher Channels WebSocket protocol
(`fake_pusher_socket`), so `pusher-js` can connect, subscribe and receive what the services trigger.
Run it alone: `python -m dropin_common.fake_pusher --port 8190 --ws-port 8192` (used by `make run`).
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import signal
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .fake_pusher_socket import PusherSocketServer


@dataclass(frozen=True)
class ReceivedEvent:
    channels: tuple[str, ...]
    name: str
    data: dict
    received_at: float = 0.0  # wall clock (time.time()) when the trigger arrived


class FakePusherServer:
    def __init__(self, app_id: str, key: str, secret: str, host: str = "127.0.0.1", port: int = 0, *,
                 ws_port: int | None = None, client_events: bool = False):
        self.app_id, self.key, self.secret = app_id, key, secret
        # None: REST only (the services' own tests); 0: any free port.
        self.sockets = (PusherSocketServer(key, secret, host, ws_port, client_events=client_events)
                        if ws_port is not None else None)
        self.events: list[ReceivedEvent] = []
        self.rejected = 0
        self.fail_with_status: int | None = None  # set to e.g. 503 to simulate an outage
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.host, self.port = self._server.server_address[:2]
        self._thread: threading.Thread | None = None

    def signature_ok(self, method: str, path: str, query: dict[str, str], body: bytes) -> bool:
        signature = query.pop("auth_signature", "")
        if query.get("auth_key") != self.key:
            return False
        if query.get("body_md5") != hashlib.md5(body).hexdigest():
            return False
        to_sign = "\n".join([method, path, "&".join(f"{k}={v}" for k, v in sorted(query.items()))])
        expected = hmac.new(self.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keeps connections open between requests, as the real API does (every answer has a
            # Content-Length), so a relay's sends are not each a new TCP connection.
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; without TCP_NODELAY, Nagle holds the body
            # back until the client's delayed ACK (~40 ms) on a kept-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, *_args):  # keep test output clean
                pass

            def _answer(self, status: int, body: dict):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if fake.fail_with_status:
                    return self._answer(fake.fail_with_status, {"error": "simulated outage"})
                if parts.path != f"/apps/{fake.app_id}/events":
                    return self._answer(404, {"error": "unknown path"})
                if not fake.signature_ok("POST", parts.path, dict(parse_qsl(parts.query)), body):
                    with fake._lock:
                        fake.rejected += 1
                    return self._answer(401, {"error": "invalid signature"})
                message = json.loads(body)
                data = message.get("data")
                event = ReceivedEvent(tuple(message.get("channels") or [message.get("channel")]),
                                      message["name"], json.loads(data) if isinstance(data, str) else data,
                                      time.time())
                with fake._lock:
                    fake.events.append(event)
                if fake.sockets is not None:
                    raw = data if isinstance(data, str) else json.dumps(data)
                    fake.sockets.deliver(list(event.channels), event.name, raw, message.get("socket_id"))
                return self._answer(200, {})

            def do_GET(self):
                # Lets the e2e tests read what a separately running fake received. `?after=N` skips
                # the first N events, so a poller reads only what is new (the benchmark polls often
                # and must not tax the machine it measures); `receivedAt` is when each arrived.
                parts = urlsplit(self.path)
                if parts.path == "/_received":
                    after = dict(parse_qsl(parts.query)).get("after", "0")
                    skip = int(after) if after.isdigit() else 0
                    with fake._lock:
                        events = [{"channels": list(e.channels), "name": e.name, "data": e.data,
                                   "receivedAt": e.received_at} for e in fake.events[skip:]]
                        count = len(fake.events)
                    return self._answer(200, {"events": events, "count": count, "rejected": fake.rejected})
                if urlsplit(self.path).path == "/_channels" and fake.sockets is not None:
                    return self._answer(200, {"subscribers": fake.sockets.subscriber_counts()})
                return self._answer(404, {"error": "unknown path"})

        return Handler

    @property
    def ws_port(self) -> int | None:
        return self.sockets.port if self.sockets is not None else None

    def start(self) -> FakePusherServer:
        if self.sockets is not None:
            self.sockets.start()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self.sockets is not None:
            self.sockets.stop()

    def events_named(self, name: str) -> list[ReceivedEvent]:
        with self._lock:
            return [event for event in self.events if event.name == name]


def main() -> None:
    from .config import PusherSettings
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--ws-port", type=int, default=None, help="also serve the WebSocket protocol here")
    parser.add_argument("--client-events", action="store_true", help="let sockets send client-* events")
    args = parser.parse_args()
    settings = PusherSettings.from_env()
    server = FakePusherServer(settings.app_id, settings.key, settings.secret, args.host, args.port,
                              ws_port=args.ws_port, client_events=args.client_events)
    if server.sockets is not None:
        server.sockets.start()
        print(f"fake Pusher WebSocket on ws://{args.host}:{server.ws_port}/app/{settings.key}", flush=True)
    print(f"fake Pusher API on http://{args.host}:{server.port}", flush=True)
    # A container stop (SIGTERM) is a normal end, not a crash: exit 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server._server.serve_forever()


if __name__ == "__main__":
    main()
