"""The streams HTTP app: the contract's Stream and Socket sections (see the routes_* modules)."""
from __future__ import annotations

from flask import Flask

from dropin_common.api import service_api
from dropin_common.http import create_service_app
from dropin_common.readiness import readiness_checks
from dropin_common.waiting import WaitSlots

from ..bootstrap import Container, bootstrap
from . import routes_after_stream, routes_lookups, routes_streams
from .schemas import ShopperStreamAnswer, StreamAnswer


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("streams", max_body_bytes=container.settings.common.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
                             verifier=container.verifier,
                             trusted_proxies=container.settings.common.trusted_proxies)
    app.extensions["dropin.streams"] = container
    app.extensions["dropin.streams.wait_slots"] = WaitSlots(container.settings.replica_waiters)
    api = service_api(app)
    # Named first: answers that depend on the caller refer to both (request_context.STREAM_FOR_CALLER).
    api.spec.components.schema("StreamAnswer", schema=StreamAnswer)
    api.spec.components.schema("ShopperStreamAnswer", schema=ShopperStreamAnswer)
    for routes in (routes_streams, routes_after_stream, routes_lookups):
        api.register_blueprint(routes.api)
    return app
