"""Webhook endpoints, the delivery log and who may use them, on in-memory adapters."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dropin_common.errors import BadRequest, Conflict, NotFound

from dropin_integrations.domain.deliveries import PlannedDelivery
from dropin_integrations.ports import DeliveryFilter
from dropin_integrations.use_cases.delivery_log import list_deliveries, retry_delivery
from dropin_integrations.use_cases.plan_deliveries import DeliverySettings
from dropin_integrations.use_cases.webhook_endpoints import (CreateEndpoint, create_endpoint, delete_endpoint,
                                                              list_endpoints)

from .. import snapshots
from ..edge import on_account, on_organization

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
SETTINGS = DeliverySettings()


def no_wait(condition):
    return condition()


def create(uow, organization_id, url="https://hooks.example.com/x", events=("lead.created",), production=True):
    return create_endpoint(uow, CreateEndpoint(organization_id, url, tuple(events)), production=production, now=NOW,
                           wait_for_organization=no_wait)


def test_a_new_endpoint_gets_its_own_secret_and_lists_show_it_without_one(stores, uow):
    organization = snapshots.organization()
    on_organization(organization, stores, SETTINGS)

    first = create(uow, organization["id"])
    second = create(uow, organization["id"], events=("stream.missed", "stream.missed"))

    assert first.secret.startswith("whsec_") and first.secret != second.secret
    assert second.events == ("stream.missed",)
    assert [e.id for e in list_endpoints(uow, organization["id"], 0, 20)] == [first.id, second.id]
    assert list_endpoints(uow, "other-organization", 0, 20) == []


@pytest.mark.parametrize("url, events, field", [
    ("http://hooks.example.com/x", ("lead.created",), "url"),
    ("https://10.0.0.1/x", ("lead.created",), "url"),
    ("https://hooks.example.com/x", ("lead.updated",), "events"),
    ("https://hooks.example.com/x", (), "events"),
])
def test_bad_endpoints_are_refused_naming_the_field(stores, uow, url, events, field):
    organization = snapshots.organization()
    on_organization(organization, stores, SETTINGS)

    with pytest.raises(BadRequest) as refused:
        create(uow, organization["id"], url=url, events=events)
    assert refused.value.field == field


def test_an_endpoint_for_an_unknown_organization_is_not_found(uow):
    with pytest.raises(NotFound) as refused:
        create(uow, "no-such-organization")
    assert refused.value.field == "organizationId"


def test_deleting_an_endpoint_sets_its_unsent_deliveries_aside(stores, uow):
    organization = snapshots.organization()
    on_organization(organization, stores, SETTINGS)
    endpoint = create(uow, organization["id"])
    stores.deliveries.plan(PlannedDelivery("webhook", organization["id"], endpoint.url, "lead-1", "lead.created",
                                           "k1", "webhook", {"endpointId": endpoint.id}))

    delete_endpoint(uow, endpoint.id)

    assert stores.webhooks.get(endpoint.id) is None
    delivery = stores.deliveries.get(1)
    assert delivery.status == "given_up" and delivery.last_error == "the webhook endpoint was deleted"
    with pytest.raises(NotFound):
        delete_endpoint(uow, endpoint.id)


def test_only_a_given_up_delivery_can_be_sent_again(stores, uow):
    for key in ("k1", "k2"):
        stores.deliveries.plan(PlannedDelivery("crm", "org-1", "a@x.com", key, "lead.created", key, "email"))
    stores.deliveries.give_up(1)

    resent = retry_delivery(uow, 1)

    assert (resent.status, resent.attempts) == ("pending", 0)
    with pytest.raises(Conflict):
        retry_delivery(uow, 2)
    with pytest.raises(NotFound):
        retry_delivery(uow, 99)


def test_the_log_filters_by_organization_kind_and_status_newest_first(stores, uow):
    stores.deliveries.plan(PlannedDelivery("crm", "org-1", "a@x.com", "l1", "lead.created", "k1", "email"))
    stores.deliveries.plan(PlannedDelivery("alert", "org-1", "m@x.com", "s1", "stream.missed", "k2", "email"))
    stores.deliveries.plan(PlannedDelivery("crm", "org-2", "b@x.com", "l2", "lead.created", "k3", "email"))
    stores.deliveries.give_up(3)

    everything = list_deliveries(uow, DeliveryFilter(), 0, 20)
    assert ([d.id for d in everything.deliveries], everything.total) == ([3, 2, 1], 3)
    crm_of_org_1 = list_deliveries(uow, DeliveryFilter(organization_id="org-1", kinds=frozenset({"crm"})), 0, 20)
    assert [d.id for d in crm_of_org_1.deliveries] == [1]
    given_up = list_deliveries(uow, DeliveryFilter(statuses=frozenset({"given_up"})), 0, 20)
    assert [d.id for d in given_up.deliveries] == [3]


def test_a_late_account_event_does_not_reactivate_a_deactivated_admin(stores, uow):
    active = snapshots.account(updated_at="2026-03-01T09:00:00Z")
    deactivated = {**active, "status": "inactive", "updatedAt": "2026-03-01T10:00:00Z"}

    on_account(deactivated, stores)
    on_account(active, stores)

    assert stores.replica.account(active["id"]).status == "inactive"
