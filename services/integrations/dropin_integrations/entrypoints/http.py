"""The integrations HTTP API (admin only): webhook endpoints and the delivery log.

Every view needs an admin's token whose account the replica knows as an active admin.
"""
from __future__ import annotations

from flask import Flask, Response

from dropin_common.auth import ROLE_ADMIN
from dropin_common.errors import NotFound
from dropin_common.api import REPLICA_BEHIND, Blueprint, service_api
from dropin_common.http import create_service_app
from dropin_common.readiness import readiness_checks

from ..bootstrap import Container, bootstrap
from ..ports import DeliveryFilter
from ..use_cases.delivery_log import list_deliveries, retry_delivery
from ..use_cases.webhook_endpoints import CreateEndpoint, create_endpoint, delete_endpoint, list_endpoints
from .schemas import (CreateWebhookSchema, CreatedWebhookEndpointSchema, DeliveryListSchema, DeliveryPageSchema,
                      DeliverySchema, WebhookEndpointSchema, WebhookListSchema)
from .views import delivery_view, endpoint_view

MAX_DELIVERY_ID = 2 ** 63 - 1


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("integrations", max_body_bytes=container.settings.common.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
                             verifier=container.verifier)
    service_api(app).register_blueprint(integrations_blueprint(container))
    return app


def integrations_blueprint(container: Container) -> Blueprint:
    api = Blueprint("integrations", __name__, description="Webhook endpoints and the delivery log (admins).")
    # Admins only. The shared verifier already judges the caller by this service's accounts replica
    # (unknown 401, inactive 403, role from the replica), so no second read of the account here.
    authenticated = api.authenticated(ROLE_ADMIN, forbidden="Not an admin, or a deactivated account.")
    replica = api.errors({503: REPLICA_BEHIND})  # of the caller's account

    def admin_only(view):
        return authenticated(replica(view))

    @api.post("/integrations/webhooks", tags=["webhooks"])
    @admin_only
    @api.arguments(CreateWebhookSchema)
    @api.response(201, CreatedWebhookEndpointSchema)
    @api.errors({400: "A missing or refused url, unknown events, or an unknown field.",
                 404: "No such organization."})
    def create_webhook(body):
        """Register a webhook endpoint for an organization (admin)

        The answer holds the endpoint's signing secret (`whsec_...`), shown only here. Each event
        is POSTed as `{type, timestamp, data}`, signed per Standard Webhooks (`webhook-id`,
        `webhook-timestamp`, `webhook-signature`). In production the URL must be https on a public
        address; in development http to a loopback address is allowed.
        """
        endpoint = create_endpoint(
            container.uow, CreateEndpoint(organization_id=body["organization_id"], url=body["url"].strip(),
                                          events=tuple(body["events"])),
            production=container.settings.production, now=container.now(), wait_for_organization=container.wait_for)
        return endpoint_view(endpoint, with_secret=True)

    @api.get("/integrations/webhooks", tags=["webhooks"])
    @admin_only
    @api.filters(WebhookListSchema)
    @api.response(200, WebhookEndpointSchema(many=True))
    def list_webhooks(query):
        """Webhook endpoints, oldest first, without their secrets (admin)"""
        found = list_endpoints(container.uow, query["organization_id"], query["skip"], query["limit"])
        return [endpoint_view(endpoint) for endpoint in found]

    @api.delete("/integrations/webhooks/<endpoint_id>", tags=["webhooks"])
    @admin_only
    @api.response(204)
    @api.errors({404: "No such endpoint."})
    def delete_webhook(endpoint_id: str):
        """Remove a webhook endpoint (admin)

        Its deliveries not yet sent are set aside, not sent.
        """
        delete_endpoint(container.uow, endpoint_id)
        return Response(status=204)

    @api.get("/integrations/deliveries", tags=["deliveries"])
    @admin_only
    @api.filters(DeliveryListSchema)
    @api.response(200, DeliveryPageSchema)
    def deliveries(query):
        """The delivery log, newest first (admin)

        Each delivery (CRM mail, webhook call, missed-call alert) with its target, status (pending,
        failed = being retried, sent, given_up), attempts, last error and times.
        """
        criteria = DeliveryFilter(organization_id=query["organization_id"], kinds=query["kind"],
                                  statuses=query["status"])
        page = list_deliveries(container.uow, criteria, query["skip"], query["limit"])
        return {"deliveries": [delivery_view(delivery) for delivery in page.deliveries], "total": page.total,
                "skip": query["skip"], "limit": query["limit"]}

    @api.post("/integrations/deliveries/<delivery_id>/retry", tags=["deliveries"])
    @admin_only
    @api.response(200, DeliverySchema)
    @api.errors({404: "No such delivery.",
                 409: "The delivery is not given up (it is pending, being retried, or sent)."})
    def retry(delivery_id: str):
        """Send a given-up delivery again (admin)

        It goes back in the queue with a fresh retry window.
        """
        if not delivery_id.isascii() or not delivery_id.isdigit() or int(delivery_id) > MAX_DELIVERY_ID:
            raise NotFound("No such delivery.", code="delivery_not_found")
        return delivery_view(retry_delivery(container.uow, int(delivery_id)))

    return api
