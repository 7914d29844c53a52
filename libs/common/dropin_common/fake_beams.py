"""A local HTTP server standing in for Pusher Beams' publish API, for tests and the local stack.

It checks the bearer secret key and the instance id exactly as Beams does (401 / 404), answers
like Beams (`{"publishId": ...}`), and records every publish. Run it alone:
`python -m dropin_common.fake_beams --port 8191` (used by `make run`, where Beams is out of reach);
see what it received at GET /_received.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PUBLISH_PATH = "/publish_api/v1/instances/{}/publishes/users"


@dataclass(frozen=True)
class ReceivedPush:
    users: tuple[str, ...]
    body: dict  # the publish body without `users`

    @property
    def kind(self) -> str | None:
        """The `type` our pushes carry in their data (stream.ringing, stream.no_longer_ringing)."""
        for platform in ("apns", "fcm", "web"):
            data = (self.body.get(platform) or {}).get("data") or {}
            if "type" in data:
                return data["type"]
        return None


class FakeBeamsServer:
    def __init__(self, instance_id: str, secret_key: str, host: str = "127.0.0.1", port: int = 0):
        self.instance_id, self.secret_key = instance_id, secret_key
        self.pushes: list[ReceivedPush] = []
        self.rejected = 0
        self.fail_with_status: int | None = None  # set to e.g. 503 to simulate an outage
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self.host, self.port = str(host), self._server.server_port

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keeps connections open between requests, as the real API does (every answer has a
            # Content-Length), so a relay's sends are not each a new TCP connection.
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; without TCP_NODELAY, Nagle holds the body
            # back until the client's delayed ACK (~40 ms) on a kept-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, *_args):
                pass

            def _answer(self, status: int, body: dict):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                path = urlsplit(self.path).path
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if fake.fail_with_status:
                    return self._answer(fake.fail_with_status, {"error": "Simulated outage",
                                                                "description": "stand-in told to fail"})
                if self.headers.get("Authorization") != f"Bearer {fake.secret_key}":
                    with fake._lock:
                        fake.rejected += 1
                    return self._answer(401, {"error": "Unauthorized", "description": "Incorrect API Key"})
                if path != PUBLISH_PATH.format(fake.instance_id):
                    return self._answer(404, {"error": "Not Found", "description": "Instance not found"})
                try:
                    publish = json.loads(body)
                    users = publish.pop("users")
                    if not users or not all(isinstance(user, str) for user in users):
                        raise ValueError
                except (ValueError, KeyError, AttributeError):
                    return self._answer(400, {"error": "Bad request", "description": "users missing"})
                with fake._lock:
                    fake.pushes.append(ReceivedPush(tuple(users), publish))
                return self._answer(200, {"publishId": f"pubid-{uuid.uuid4()}"})

            def do_GET(self):
                if urlsplit(self.path).path == "/_received":
                    with fake._lock:
                        pushes = [{"users": list(p.users), "body": p.body} for p in fake.pushes]
                    return self._answer(200, {"pushes": pushes, "rejected": fake.rejected})
                return self._answer(404, {"error": "Not Found", "description": "unknown path"})

        return Handler

    def start(self) -> FakeBeamsServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def pushes_of(self, kind: str) -> list[ReceivedPush]:
        with self._lock:
            return [push for push in self.pushes if push.kind == kind]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8191)
    args = parser.parse_args()
    server = FakeBeamsServer(os.environ.get("BEAMS_INSTANCE_ID", "dev-beams-instance"),
                             os.environ.get("BEAMS_SECRET_KEY", "dev-beams-secret-key-for-the-local-stand-in"),
                             args.host, args.port)
    print(f"fake Pusher Beams API on http://{args.host}:{server.port}", flush=True)
    # A container stop (SIGTERM) is a normal end, not a crash: exit 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server._server.serve_forever()


if __name__ == "__main__":
    main()
