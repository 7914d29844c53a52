"""`create_app()` for gunicorn: the contract's `/dashboard/*` endpoints, admins only."""
from __future__ import annotations

from flask import Flask, Response, request

from dropin_common.api import Blueprint, service_api
from dropin_common.http import create_service_app
from dropin_common.progress import data_age
from dropin_common.readiness import readiness_checks
from dropin_common.topology import DASHBOARD_ACCOUNTS_QUEUE

from ..bootstrap import Container, bootstrap
from .consumer import QUEUE
from .routes_figures import add_figures
from .routes_overview import add_overview
from .routes_records import CALLS, LEADS, add_records

DATA_AGE_HEADER = "X-Data-Age-Seconds"


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()

    def consumer_lag() -> dict:
        progress = container.tables["consumer_progress"]
        return {"consumer": data_age(container.engine, progress, QUEUE.name).as_detail(),
                "accountsConsumer": data_age(container.engine, progress, DASHBOARD_ACCOUNTS_QUEUE.name).as_detail()}

    app = create_service_app("dashboard", max_body_bytes=container.settings.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.amqp_url),
                             verifier=container.verifier, readiness_detail=consumer_lag,
                             trusted_proxies=container.settings.trusted_proxies)

    @app.after_request
    def tell_data_age(response: Response) -> Response:
        # Figures are only as fresh as the newest event the consumer applied: a client can tell
        # stale figures (a lagging consumer) from current ones.
        if request.path.startswith("/dashboard/") and response.status_code < 400:
            age = data_age(container.engine, container.tables["consumer_progress"], QUEUE.name).age_seconds
            if age is not None:
                response.headers[DATA_AGE_HEADER] = str(int(age))
        return response

    dashboard = Blueprint("dashboard", __name__, url_prefix="/dashboard",
                          description="Admins' figures: calls, leads, organizations (read models fed by events).")
    add_overview(dashboard, container)
    add_figures(dashboard, container)
    for records in (CALLS, LEADS):
        add_records(dashboard, container, records)
    service_api(app).register_blueprint(dashboard)
    return app
