"""The outbox sink of destination "webhook": a signed POST per delivery (Standard Webhooks).

URL, secret and body are the ones fixed when the delivery was planned (deleting an endpoint sets
its unsent deliveries aside, so a deleted endpoint is never called); the `webhook-timestamp` is the time of this
try, and `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` computed by
the `standardwebhooks` package. No redirect is followed (a 3xx is a failure), a try gives up after
`timeout` seconds, and in production only public addresses are called: the host is resolved and
the connection made to the checked address (no SSRF through private or link-local addresses, nor
through a DNS answer that changes between the check and the call).
"""
from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from standardwebhooks.webhooks import Webhook
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from dropin_common.outbox import Undeliverable

from ..domain.webhooks import TargetRefused, check_address, check_url

Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to one already-checked IP address whatever the URL's host resolves to by then,
    while the Host header and TLS (SNI, certificate check) still use the URL's host name."""

    def __init__(self, address: str, **kwargs):
        self._address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        address = self._address

        def pinned(connection_class):
            class Pinned(connection_class):
                def _new_conn(self):
                    host, self._dns_host = self._dns_host, address
                    try:
                        return super()._new_conn()
                    finally:
                        self._dns_host = host
            return Pinned

        class HTTPPool(HTTPConnectionPool):
            ConnectionCls = pinned(HTTPConnection)

        class HTTPSPool(HTTPSConnectionPool):
            ConnectionCls = pinned(HTTPSConnection)

        self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}


def signed_headers(message_id: str, secret: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one try: id, whole-second timestamp, v1 signature."""
    at = at.astimezone(timezone.utc)
    return {"content-type": "application/json", "user-agent": "DropinAuto-Webhooks/1.0",
            "webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, at, body)}


class WebhookSink:
    def __init__(self, *, production: bool, timeout: float = 10.0, resolver: Resolver = resolve,
                 now: Callable[[], datetime] | None = None):
        self._production = production
        self._timeout = timeout
        self._resolve = resolver
        self._now = now or (lambda: datetime.now(timezone.utc))

    def send(self, topic: str, payload: dict[str, Any]) -> None:
        url = payload["url"]
        address = self._checked_address(url)
        body = payload["body"]
        headers = signed_headers(payload["messageId"], payload["secret"], body, self._now())
        response = self._post(url, address, body.encode(), headers)
        if not 200 <= response.status_code < 300:
            where = f" (to {response.headers.get('location')})" if response.is_redirect else ""
            raise RuntimeError(f"{url} answered {response.status_code}{where}")

    def idle(self, seconds: float) -> None:
        pass

    def _checked_address(self, url: str) -> str:
        """The address to connect to, checked against this deployment's rules."""
        try:
            check_url(url, production=self._production)
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = self._resolve(parts.hostname or "", port)  # check_url refused a URL without one
            if not addresses:
                raise TargetRefused(f"{parts.hostname} has no address")
            for address in addresses:  # every answer, so no round-robin entry slips through
                check_address(address, production=self._production)
        except TargetRefused as exc:
            raise Undeliverable(f"refused target {url}: {exc}") from None
        return addresses[0]

    def _post(self, url: str, address: str, body: bytes, headers: dict[str, str]) -> requests.Response:
        with requests.Session() as session:
            session.trust_env = False  # no proxy from the environment between us and the check
            adapter = PinnedAddressAdapter(address, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            return session.post(url, data=body, headers=headers, timeout=self._timeout, allow_redirects=False)
