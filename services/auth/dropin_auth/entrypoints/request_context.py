"""What views read from the current request: the wired container, the caller, the client address."""
from __future__ import annotations

from flask import current_app, g

from dropin_common.http import client_address

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
    """The gateway's X-Real-IP / X-Forwarded-For when the request comes through it (a trusted
    proxy); otherwise the peer's own address."""
    return client_address()
