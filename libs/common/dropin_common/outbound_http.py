"""Outbound HTTP sessions of the relays (Pusher, Beams)."""
from __future__ import annotations

import requests


def with_proxies_read_once(session: requests.Session, url: str) -> requests.Session:
    """Reads the environment's proxy settings (HTTPS_PROXY, NO_PROXY, ...) for `url` once, not on
    every send: requests otherwise rescans the whole environment per request, a tenth of a relay's
    CPU per message. A proxy set after start takes a restart, as every other setting does."""
    session.proxies.update(requests.utils.get_environ_proxies(url))
    session.trust_env = False
    return session
