"""`create_app()` for gunicorn: the contract's `/dashboard/*` endpoints, admins only."""
from __future__ import annotations

from flask import Flask

from dropin_common.http import create_service_app
from dropin_common.readiness import readiness_checks

from ..bootstrap import Container, bootstrap
from .routes_overview import overview_blueprint
from .routes_records import CALLS, LEADS, records_blueprint


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("dashboard", max_body_bytes=container.settings.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.amqp_url),
                             verifier=container.verifier, trusted_proxies=container.settings.trusted_proxies)
    app.register_blueprint(overview_blueprint(container))
    for records in (CALLS, LEADS):
        app.register_blueprint(records_blueprint(container, records))
    return app
