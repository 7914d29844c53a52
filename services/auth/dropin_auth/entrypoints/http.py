"""`create_app()` for gunicorn: the shared Flask edge plus auth's three blueprints."""
from __future__ import annotations

from flask import Flask, current_app, g, jsonify, request

from dropin_common.http import create_service_app

from ..bootstrap import Container, bootstrap
from ..domain.actors import Actor
from ..domain.errors import LoginRateLimited


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app(
        "auth", max_body_bytes=container.settings.common.max_body_bytes,
        readiness_checks={"database": container.check_database, "broker": container.check_broker},
        verifier=container.verifier)
    app.extensions["dropin_auth.container"] = container

    @app.errorhandler(LoginRateLimited)
    def rate_limited(exc: LoginRateLimited):
        response = jsonify(exc.to_dict())
        response.status_code = exc.status
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    from .routes_accounts import accounts
    from .routes_organizations import organizations
    from .routes_sessions import sessions
    for blueprint in (sessions, accounts, organizations):
        app.register_blueprint(blueprint)
    return app


def container() -> Container:
    return current_app.extensions["dropin_auth.container"]


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
