"""How endpoints and deliveries look in HTTP answers."""
from __future__ import annotations

from typing import Any

from dropin_common.timeutil import iso

from ..domain.deliveries import Delivery
from ..domain.webhooks import WebhookEndpoint


def endpoint_view(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    view = {"id": endpoint.id, "organizationId": endpoint.organization_id, "url": endpoint.url,
            "events": list(endpoint.events), "createdAt": iso(endpoint.created_at)}
    if with_secret:
        view["secret"] = endpoint.secret
    return view


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    return {"id": str(delivery.id), "kind": delivery.kind, "status": delivery.status,
            "organizationId": delivery.organization_id, "eventType": delivery.event_type,
            "subjectId": delivery.subject_id, "target": delivery.target, "attempts": delivery.attempts,
            "lastError": delivery.last_error, "createdAt": iso(delivery.created_at),
            "nextAttemptAt": iso(delivery.next_attempt_at), "sentAt": iso(delivery.sent_at),
            "givenUpAt": iso(delivery.given_up_at)}
