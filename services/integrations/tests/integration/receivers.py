"""Real servers for the deliveries to reach: an SMTP server (aiosmtpd) and an HTTP receiver that
verifies each webhook's signature with the `standardwebhooks` package, as an integrator would."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox(list):
    """aiosmtpd handler: every message received, parsed."""

    async def handle_DATA(self, server, session, envelope):
        self.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self if message["To"] == address]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.mailbox = Mailbox()
        self.port = port or free_port()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class ReceivedWebhook:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: dict | None  # the payload when the signature checked out with the endpoint's secret
    error: str | None


class WebhookReceiver:
    """An HTTP server on loopback. `secrets[path]` is the signing secret of the endpoint at that
    path; `answers[path]` the status it answers (200 by default; 302 redirects to /elsewhere);
    `delay` seconds are waited before answering."""

    def __init__(self):
        self.received: list[ReceivedWebhook] = []
        self.secrets: dict[str, str] = {}
        self.answers: dict[str, int] = {}
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                secret = receiver.secrets.get(self.path)
                verified, error = None, "no secret for this path"
                if secret:
                    try:
                        verified, error = Webhook(secret).verify(body, headers), None
                    except WebhookVerificationError as exc:
                        error = str(exc)
                receiver.received.append(ReceivedWebhook(self.path, headers, body, verified, error))
                time.sleep(receiver.delay)
                status = receiver.answers.get(self.path, 200)
                self.send_response(status)
                if status in (301, 302, 307, 308):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[ReceivedWebhook]:
        return [hook for hook in self.received if hook.path == path]

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
