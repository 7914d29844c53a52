"""`create_app()` for gunicorn: the shared Flask edge plus auth's three blueprints."""
from __future__ import annotations

from flask import Flask

from dropin_common.api import service_api
from dropin_common.http import create_service_app
from dropin_common.readiness import readiness_checks

from ..bootstrap import Container, bootstrap
from .request_context import CONTAINER_KEY
from .routes_accounts import accounts
from .routes_organizations import organizations
from .routes_sessions import sessions


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app(
        "auth", max_body_bytes=container.settings.common.max_body_bytes,
        readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
        verifier=container.verifier, trusted_proxies=container.settings.common.trusted_proxies)
    app.extensions[CONTAINER_KEY] = container
    for blueprint in (sessions, accounts, organizations):
        service_api(app).register_blueprint(blueprint)
    return app

