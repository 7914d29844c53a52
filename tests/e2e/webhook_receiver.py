"""An integrator's webhook endpoint inside the pytest process: it verifies each request's
Standard Webhooks signature with the `standardwebhooks` package and records what it got."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    payload: dict | None  # set when the signature verified with the path's secret
    error: str | None


class WebhookReceiver:
    def __init__(self):
        self.received: list[Received] = []
        self.secrets: dict[str, str] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = dict(self.headers.items())
                payload, error = None, "unknown path"
                if self.path in receiver.secrets:
                    try:
                        payload, error = Webhook(receiver.secrets[self.path]).verify(body, headers), None
                    except WebhookVerificationError as exc:
                        error = str(exc)
                receiver.received.append(Received(self.path, headers, body, payload, error))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def of_type(self, path: str, event_type: str) -> list[Received]:
        return [r for r in self.received if r.path == path and r.payload and r.payload["type"] == event_type]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
