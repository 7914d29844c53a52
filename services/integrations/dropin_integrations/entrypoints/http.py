"""The integrations HTTP API (admin only): webhook endpoints and the delivery log.

Every view needs an admin's token whose account the replica knows as an active admin.
"""
from __future__ import annotations


from flask import Blueprint, Flask, request

from dropin_common.auth import ROLE_ADMIN
from dropin_common.errors import NotFound
from dropin_common.http import authenticated, create_service_app, json_body
from dropin_common.query import load_or_400, parse_filters
from dropin_common.readiness import readiness_checks

from ..bootstrap import Container, bootstrap
from ..ports import DeliveryFilter
from ..use_cases.delivery_log import list_deliveries, retry_delivery
from ..use_cases.webhook_endpoints import CreateEndpoint, create_endpoint, delete_endpoint, list_endpoints
from .schemas import CreateWebhookSchema, DeliveryListSchema, WebhookListSchema
from .views import delivery_view, endpoint_view

MAX_DELIVERY_ID = 2 ** 63 - 1


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("integrations", max_body_bytes=container.settings.common.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
                             verifier=container.verifier)
    app.register_blueprint(integrations_blueprint(container))
    return app


def integrations_blueprint(container: Container) -> Blueprint:
    api = Blueprint("integrations", __name__)

    # Admins only. The shared verifier already judges the caller by this service's accounts replica
    # (unknown 401, inactive 403, role from the replica), so no second read of the account here.
    admin_only = authenticated(ROLE_ADMIN)

    @api.post("/integrations/webhooks")
    @admin_only
    def create_webhook():
        """---
        post:
          tags: [webhooks]
          summary: Register a webhook endpoint for an organization (admin)
          description: >
            The answer holds the endpoint's signing secret (`whsec_...`), shown only here. Each
            event is POSTed as `{type, timestamp, data}`, signed per Standard Webhooks
            (`webhook-id`, `webhook-timestamp`, `webhook-signature`). In production the URL must
            be https on a public address; in development http to a loopback address is allowed.
          security: [{apikey: [], jwt: []}]
          requestBody:
            required: true
            content: {application/json: {schema: CreateWebhookSchema}}
          responses:
            201: {description: "The endpoint: id, organizationId, url, events, createdAt, secret."}
            400: A missing or refused url, unknown events, or an unknown field.
            401: No token, an invalid or revoked one, or an account this service does not know.
            403: Not an admin, or a deactivated account.
            404: No such organization.
        """
        body = load_or_400(CreateWebhookSchema(), json_body())
        endpoint = create_endpoint(
            container.uow, CreateEndpoint(organization_id=body["organization_id"], url=body["url"].strip(),
                                          events=tuple(body["events"])),
            production=container.settings.production, now=container.now(), wait_for_organization=container.wait_for)
        return endpoint_view(endpoint, with_secret=True), 201

    @api.get("/integrations/webhooks")
    @admin_only
    def list_webhooks():
        """---
        get:
          tags: [webhooks]
          summary: Webhook endpoints, oldest first, without their secrets (admin)
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: WebhookListSchema}]
          responses:
            200: {description: "A list of endpoints: id, organizationId, url, events, createdAt."}
            400: A bad skip or limit.
            401: No token, an invalid or revoked one, or an account this service does not know.
            403: Not an admin, or a deactivated account.
        """
        query = parse_filters(WebhookListSchema(), request.args)
        found = list_endpoints(container.uow, query["organization_id"], query["skip"], query["limit"])
        return [endpoint_view(endpoint) for endpoint in found]

    @api.delete("/integrations/webhooks/<endpoint_id>")
    @admin_only
    def delete_webhook(endpoint_id: str):
        """---
        delete:
          tags: [webhooks]
          summary: Remove a webhook endpoint (admin)
          description: Its deliveries not yet sent are set aside, not sent.
          security: [{apikey: [], jwt: []}]
          responses:
            204: {description: "Removed."}
            401: No token, an invalid or revoked one, or an account this service does not know.
            403: Not an admin, or a deactivated account.
            404: No such endpoint.
        """
        delete_endpoint(container.uow, endpoint_id)
        return "", 204

    @api.get("/integrations/deliveries")
    @admin_only
    def deliveries():
        """---
        get:
          tags: [deliveries]
          summary: The delivery log, newest first (admin)
          description: >
            Each delivery (CRM mail, webhook call, missed-call alert) with its target, status
            (pending, failed = being retried, sent, given_up), attempts, last error and times.
          security: [{apikey: [], jwt: []}]
          parameters: [{in: query, schema: DeliveryListSchema}]
          responses:
            200: {description: "`{deliveries: [...], total, skip, limit}`."}
            400: A bad kind, status, skip or limit.
            401: No token, an invalid or revoked one, or an account this service does not know.
            403: Not an admin, or a deactivated account.
        """
        query = parse_filters(DeliveryListSchema(), request.args)
        criteria = DeliveryFilter(organization_id=query["organization_id"], kinds=query["kind"],
                                  statuses=query["status"])
        page = list_deliveries(container.uow, criteria, query["skip"], query["limit"])
        return {"deliveries": [delivery_view(delivery) for delivery in page.deliveries], "total": page.total,
                "skip": query["skip"], "limit": query["limit"]}

    @api.post("/integrations/deliveries/<delivery_id>/retry")
    @admin_only
    def retry(delivery_id: str):
        """---
        post:
          tags: [deliveries]
          summary: Send a given-up delivery again (admin)
          description: It goes back in the queue with a fresh retry window.
          security: [{apikey: [], jwt: []}]
          responses:
            200: {description: "The delivery, now pending."}
            401: No token, an invalid or revoked one, or an account this service does not know.
            403: Not an admin, or a deactivated account.
            404: No such delivery.
            409: The delivery is not given up (it is pending, being retried, or sent).
        """
        if not delivery_id.isascii() or not delivery_id.isdigit() or int(delivery_id) > MAX_DELIVERY_ID:
            raise NotFound("No such delivery.", code="delivery_not_found")
        return delivery_view(retry_delivery(container.uow, int(delivery_id)))

    return api
