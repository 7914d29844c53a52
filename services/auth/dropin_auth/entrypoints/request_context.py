"""What views read from the current request: the wired container, the caller, the client address."""
from __future__ import annotations

from flask import current_app, g, request

from ..bootstrap import Container
from ..domain.actors import Actor

CONTAINER_KEY = "dropin_auth.container"


def container() -> Container:
    return current_app.extensions[CONTAINER_KEY]


def actor() -> Actor:
    """The caller of an `@authenticated` view, as the use cases see it."""
    principal = g.principal
    return Actor(account_id=principal.account_id, role=principal.role,
                 organization_id=principal.organization_id)


def client_ip() -> str | None:
    """The gateway sets X-Real-IP / X-Forwarded-For; without a gateway (tests), the peer address."""
    real_ip = request.headers.get("X-Real-IP", "").strip()
    if real_ip:
        return real_ip
    forwarded = request.headers.get("X-Forwarded-For", "")
    first = forwarded.split(",", 1)[0].strip()
    return first or request.remote_addr
