"""Admins register, list and remove an organization's webhook endpoints."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dropin_common.kernel import InvalidInput, NotFound

from ..domain.webhooks import WEBHOOK_EVENTS, TargetRefused, WebhookEndpoint, check_url, new_secret
from ..ports import UnitOfWorkFactory


@dataclass(frozen=True)
class CreateEndpoint:
    organization_id: str
    url: str
    events: tuple[str, ...]


def create_endpoint(uow: UnitOfWorkFactory, command: CreateEndpoint, *, production: bool, now: datetime,
                    wait_for_organization: Callable[[Callable[[], bool]], bool]) -> WebhookEndpoint:
    """The secret is in the answer of this call only; lists never show it."""
    try:
        url = check_url(command.url, production=production)
    except TargetRefused as exc:
        raise InvalidInput(f"url: {exc}", code="invalid_url", field="url") from None
    unknown = sorted(set(command.events) - set(WEBHOOK_EVENTS))
    if unknown or not command.events:
        raise InvalidInput(f"events: choose from {', '.join(WEBHOOK_EVENTS)}.", code="invalid_events", field="events")

    def organization_known() -> bool:
        with uow() as work:
            return work.replica.organization(command.organization_id) is not None

    # A just-created organization may not have reached this service's replica yet.
    if not wait_for_organization(organization_known):
        raise NotFound("No such organization.", code="organization_not_found", field="organizationId")
    endpoint = WebhookEndpoint(id=str(uuid.uuid4()), organization_id=command.organization_id, url=url,
                               events=tuple(dict.fromkeys(command.events)), secret=new_secret(), created_at=now)
    with uow() as work:
        work.webhooks.add(endpoint)
        work.commit()
    return endpoint


def list_endpoints(uow: UnitOfWorkFactory, organization_id: str | None, skip: int, limit: int) -> list[WebhookEndpoint]:
    with uow() as work:
        return work.webhooks.list(organization_id, skip, limit)


def delete_endpoint(uow: UnitOfWorkFactory, endpoint_id: str) -> None:
    """Deliveries still queued for it are set aside with the reason, not sent."""
    with uow() as work:
        if work.webhooks.get(endpoint_id) is None:
            raise NotFound("No such webhook endpoint.", code="webhook_not_found")
        work.webhooks.delete(endpoint_id)
        work.deliveries.set_aside_for_endpoint(endpoint_id, "the webhook endpoint was deleted")
        work.commit()
