"""Webhook endpoints: who may be called, with what, and the Standard Webhooks message they get."""
from __future__ import annotations

import base64
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

LEAD_CREATED = "lead.created"
STREAM_COMPLETED = "stream.completed"
STREAM_MISSED = "stream.missed"
STREAM_EXPIRED = "stream.expired"
WEBHOOK_EVENTS = (LEAD_CREATED, STREAM_COMPLETED, STREAM_MISSED, STREAM_EXPIRED)
STREAM_END_EVENTS = {"completed": STREAM_COMPLETED, "missed": STREAM_MISSED, "expired": STREAM_EXPIRED}
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    organization_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: datetime


def new_secret() -> str:
    """`whsec_` + base64 of 32 random bytes, the Standard Webhooks secret format."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class TargetRefused(ValueError):
    """A webhook URL or address this deployment must not call."""


def check_url(url: str, *, production: bool) -> str:
    """https anywhere public in production; in development also http, but only to loopback."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a bad port
    except ValueError:
        raise TargetRefused("Not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("Not an http(s) URL with a host.")
    if parts.username or parts.password:
        raise TargetRefused("Credentials in the URL are not allowed.")
    if parts.scheme == "http":
        if production:
            raise TargetRefused("Webhooks must use https.")
        if not is_loopback_name(parts.hostname):
            raise TargetRefused("http is only allowed for loopback addresses (development).")
    if production:
        literal = _ip_literal(parts.hostname)
        if literal is not None:
            check_address(literal, production=True)
    return url


def check_address(address: str, *, production: bool) -> None:
    """Refuses, in production, any address that is not globally routable (private, loopback,
    link-local such as cloud metadata at 169.254.169.254, multicast, reserved): no SSRF."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    public = ip.is_global and not ip.is_multicast  # 224.0.0.1 counts as "global" to ipaddress
    if production and not public:
        raise TargetRefused(f"{address} is not a public address.")
    if not production and not (public or ip.is_loopback):
        raise TargetRefused(f"{address} is neither public nor loopback.")


def is_loopback_name(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    literal = _ip_literal(host)
    return literal is not None and ipaddress.ip_address(literal).is_loopback


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None
