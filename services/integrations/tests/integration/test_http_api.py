"""The admin API on the real database: webhook endpoints, the delivery log, and every refusal."""
from __future__ import annotations

import uuid

import pytest

from dropin_common.events import ACCOUNT_REGISTERED, ACCOUNT_TOKENS_REVOKED, ACCOUNT_UPDATED, LEAD_CREATED, \
    ORGANIZATION_CREATED, Event
from dropin_common.testing import documented_api

from .. import snapshots

ENDPOINTS = [
    ("POST", "/integrations/webhooks",
     {"organizationId": "x", "url": "http://127.0.0.1:1/x", "events": ["lead.created"]}),
    ("GET", "/integrations/webhooks", None),
    ("DELETE", "/integrations/webhooks/some-id", None),
    ("GET", "/integrations/deliveries", None),
    ("POST", "/integrations/deliveries/1/retry", None),
]


def known_organization(handle, **settings) -> dict:
    organization = snapshots.organization(**settings)
    handle(Event(ORGANIZATION_CREATED, {"organization": organization}))
    return organization


def test_an_admin_creates_lists_and_deletes_webhook_endpoints_and_sees_the_secret_once(client, admin, handle):
    organization = known_organization(handle)
    other = known_organization(handle)

    created = client.post("/integrations/webhooks", headers=admin, json={
        "organizationId": organization["id"], "url": "http://127.0.0.1:9/hooks",
        "events": ["lead.created", "stream.missed"]})
    client.post("/integrations/webhooks", headers=admin, json={
        "organizationId": other["id"], "url": "http://localhost:9/other", "events": ["stream.expired"]})

    assert created.status_code == 201, created.get_json()
    endpoint = created.get_json()
    assert endpoint["secret"].startswith("whsec_")
    assert (endpoint["url"], endpoint["events"]) == ("http://127.0.0.1:9/hooks", ["lead.created", "stream.missed"])
    listed = client.get("/integrations/webhooks", headers=admin,
                        query_string={"organizationId": organization["id"]}).get_json()
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]
    assert len(client.get("/integrations/webhooks", headers=admin).get_json()) == 2

    assert client.delete(f"/integrations/webhooks/{endpoint['id']}", headers=admin).status_code == 204
    assert client.delete(f"/integrations/webhooks/{endpoint['id']}", headers=admin).status_code == 404
    assert client.get("/integrations/webhooks", headers=admin,
                      query_string={"organizationId": organization["id"]}).get_json() == []


@pytest.mark.parametrize("body, status, field", [
    ({"url": "http://127.0.0.1:9/x", "events": ["lead.created"]}, 400, "organizationId"),
    ({"organizationId": "ORG", "events": ["lead.created"]}, 400, "url"),
    ({"organizationId": "ORG", "url": "http://hooks.example.com/x", "events": ["lead.created"]}, 400, "url"),
    ({"organizationId": "ORG", "url": "http://10.0.0.1/x", "events": ["lead.created"]}, 400, "url"),
    ({"organizationId": "ORG", "url": "javascript:alert(1)", "events": ["lead.created"]}, 400, "url"),
    ({"organizationId": "ORG", "url": "http://127.0.0.1:9/x", "events": []}, 400, "events"),
    ({"organizationId": "ORG", "url": "http://127.0.0.1:9/x", "events": ["lead.updated"]}, 400, "events"),
    ({"organizationId": "ORG", "url": "http://127.0.0.1:9/x", "events": "lead.created"}, 400, "events"),
    ({"organizationId": "ORG", "url": "http://127.0.0.1:9/x", "events": ["lead.created"], "secret": "x"},
     400, "secret"),
    ({"organizationId": "nope", "url": "http://127.0.0.1:9/x", "events": ["lead.created"]}, 404, "organizationId"),
])
def test_bad_webhook_bodies_are_refused_naming_the_field(client, admin, handle, body, status, field):
    organization = known_organization(handle)
    if body.get("organizationId") == "ORG":
        body = {**body, "organizationId": organization["id"]}

    response = client.post("/integrations/webhooks", headers=admin, json=body)

    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_the_delivery_log_lists_with_filters_and_pages(client, admin, handle):
    organization = known_organization(handle, crm=["a@crm.example.com", "b@crm.example.com"])
    other = known_organization(handle, crm=["c@crm.example.com"])
    for owner in (organization, other):
        handle(Event(LEAD_CREATED, {"lead": snapshots.lead(owner["id"], None)}))

    everything = client.get("/integrations/deliveries", headers=admin).get_json()
    mine = client.get("/integrations/deliveries", headers=admin, query_string={
        "organizationId": organization["id"], "kind": "crm", "status": "pending,failed", "limit": 1}).get_json()
    as_query = client.get("/integrations/deliveries", headers=admin, query_string={
        "query": f'{{"organizationId": "{organization["id"]}", "status": "sent"}}'}).get_json()

    assert everything["total"] == 3 and len(everything["deliveries"]) == 3
    assert (mine["total"], len(mine["deliveries"]), mine["limit"]) == (2, 1, 1)
    first = mine["deliveries"][0]
    assert first["kind"] == "crm" and first["status"] == "pending" and first["attempts"] == 0
    assert first["target"] in ("a@crm.example.com", "b@crm.example.com") and first["eventType"] == "lead.created"
    assert set(first) >= {"id", "lastError", "createdAt", "nextAttemptAt", "sentAt", "givenUpAt", "subjectId"}
    assert as_query["total"] == 0


@pytest.mark.parametrize("query, field", [({"kind": "fax"}, "kind"), ({"status": "lost"}, "status"),
                                          ({"limit": "0"}, "limit"), ({"skip": "-1"}, "skip"),
                                          ({"query": "{not json"}, "query")])
def test_bad_delivery_filters_are_400s_naming_the_field(client, admin, query, field):
    response = client.get("/integrations/deliveries", headers=admin, query_string=query)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("delivery_id", ["999999", "abc", "99999999999999999999999", "1e3"])
def test_retrying_an_unknown_delivery_is_not_found(client, admin, delivery_id):
    response = client.post(f"/integrations/deliveries/{delivery_id}/retry", headers=admin)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "delivery_not_found"


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_endpoint_refuses_a_request_without_a_token(client, method, path, body):
    response = client.open(path, method=method, json=body)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "authentication_required"


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_endpoint_refuses_a_dealer(client, tokens, handle, method, path, body):
    dealer = snapshots.account(role="dealer")
    handle(Event(ACCOUNT_REGISTERED, {"account": dealer}))
    headers = {"Authorization": f"JWT {tokens.issue(dealer['id'], 'dealer', 'org-1')}"}

    response = client.open(path, method=method, json=body, headers=headers)

    assert response.status_code == 403


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_endpoint_refuses_a_deactivated_admin_whose_token_is_still_valid(client, tokens, handle,
                                                                                method, path, body):
    account = snapshots.account(role="admin", updated_at="2026-03-01T09:00:00Z")
    handle(Event(ACCOUNT_REGISTERED, {"account": account}))
    token = tokens.issue(account["id"], "admin")
    handle(Event(ACCOUNT_UPDATED, {"account": {**account, "status": "inactive", "updatedAt": "2026-03-01T10:00:00Z"}}))

    response = client.open(path, method=method, json=body, headers={"Authorization": f"JWT {token}"})

    assert response.status_code == 403 and response.get_json()["error"]["code"] == "account_inactive"


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_every_endpoint_refuses_an_account_this_service_never_heard_of_and_a_revoked_token(
        client, tokens, handle, method, path, body):
    stranger = {"Authorization": f"JWT {tokens.issue(str(uuid.uuid4()), 'admin')}"}
    account = snapshots.account(role="admin")
    handle(Event(ACCOUNT_REGISTERED, {"account": account}))
    token = tokens.issue(account["id"], "admin", issued_at=1_700_000_000, ttl_seconds=10 ** 9)
    handle(Event(ACCOUNT_TOKENS_REVOKED, {"accountId": account["id"], "notBefore": 1_800_000_000}))

    unknown = client.open(path, method=method, json=body, headers=stranger)
    revoked = client.open(path, method=method, json=body, headers={"Authorization": f"JWT {token}"})

    assert unknown.status_code == 401 and unknown.get_json()["error"]["code"] == "unknown_account"
    assert revoked.status_code == 401


def test_the_api_is_described_by_a_valid_openapi_document(client):
    document = documented_api(client)
    assert "/integrations/webhooks" in document["paths"]
    assert "/integrations/deliveries/{deliveryId}/retry" in document["paths"]


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json()["service"] == "integrations"
    assert client.get("/readyz").status_code == 200
