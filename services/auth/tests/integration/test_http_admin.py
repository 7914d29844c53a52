"""Accounts, organizations and the dealer list over HTTP on the real database."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from dropin_auth.adapters.tables import accounts
from dropin_auth.entrypoints.http import create_app

from .http_helpers import AuthClient


@pytest.fixture
def api(container) -> AuthClient:
    return AuthClient(create_app(container).test_client(), container)


@pytest.fixture
def admin(api) -> str:
    return api.admin_token()


def error_of(response) -> dict:
    assert response.is_json, response.data[:200]
    return response.get_json()["error"]


def test_admin_activates_and_attaches_a_dealer(api, admin):
    organization = api.organization(admin)
    account = api.register(1)

    response = api.call("PATCH", f"/accounts/{account['id']}", token=admin,
                        json={"status": "active", "organizationId": organization["id"]})

    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["organizationId"]) == ("active", organization["id"])


@pytest.mark.parametrize("body, status, field", [
    ({"status": "sleeping"}, 400, "status"),
    ({"role": "owner"}, 400, "role"),
    ({"colour": "red"}, 400, "colour"),
    ({}, 400, "status"),
    ({"organizationId": "no-such-organization"}, 404, "organizationId"),
])
def test_account_patch_errors_name_the_field(api, admin, body, status, field):
    account = api.register(1)

    response = api.call("PATCH", f"/accounts/{account['id']}", token=admin, json=body)

    assert response.status_code == status and error_of(response)["field"] == field


def test_patching_an_unknown_account_is_not_found(api, admin):
    response = api.call("PATCH", "/accounts/does-not-exist", token=admin, json={"status": "active"})

    assert response.status_code == 404 and error_of(response)["code"] == "account_not_found"


def test_dealers_cannot_use_admin_endpoints(api, admin):
    organization = api.organization(admin)
    dealer, token = api.active_dealer(admin, 1, organization["id"])

    for method, path, body in (("PATCH", f"/accounts/{dealer['id']}", {"role": "admin"}),
                               ("POST", "/organizations", {"name": "Mine", "code": "mine"}),
                               ("GET", "/organizations", None),
                               ("PATCH", f"/organizations/{organization['id']}", {"name": "Mine"}),
                               ("GET", "/organization/getdealers", None),
                               ("GET", "/organization/countdealer", None)):
        response = api.call(method, path, token=token, json=body)
        assert response.status_code == 403, (method, path)
        assert error_of(response)["code"] == "forbidden_role"


def test_presence_switches_online_and_offline(api):
    account = api.activated(api.register(1))
    token = api.login(account["email"])

    online = api.call("POST", "/accounts/status/online", token=token)
    offline = api.call("POST", "/accounts/status/offline", token=token)
    unknown = api.call("POST", "/accounts/status/away", token=token)

    assert online.get_json()["accountStatus"] == "online"
    assert offline.get_json()["accountStatus"] == "offline"
    assert unknown.status_code == 404 and unknown.is_json


def test_organization_lifecycle_for_an_admin(api, admin):
    created = api.call("POST", "/organizations", token=admin,
                       json={"name": "Acme Motors", "code": "acme", "loanLink": "https://loans.example.com/acme"})
    assert created.status_code == 201
    organization = created.get_json()
    assert organization["token"] and organization["loanLink"] == "https://loans.example.com/acme"

    fetched = api.call("GET", f"/organizations/{organization['id']}", token=admin).get_json()
    assert fetched == organization

    rotated = api.call("PATCH", f"/organizations/{organization['id']}", token=admin,
                       json={"name": "Acme Motor Group", "rotateToken": True}).get_json()
    assert rotated["name"] == "Acme Motor Group" and rotated["token"] != organization["token"]

    cleared = api.call("PATCH", f"/organizations/{organization['id']}", token=admin, json={"loanLink": ""})
    assert cleared.status_code == 200 and cleared.get_json()["loanLink"] is None

    listed = api.call("GET", "/organizations", token=admin, query_string={"query": json.dumps({"name": "group"})})
    assert [o["id"] for o in listed.get_json()] == [organization["id"]]


@pytest.mark.parametrize("body, status, field", [
    ({"code": "acme"}, 400, "name"),
    ({"name": "Acme", "code": "no spaces"}, 400, "code"),
    ({"name": "Acme", "code": "acme2", "loanLink": "not a url"}, 400, "loanLink"),
    ({"name": "Acme", "code": "acme2", "loanLink": "ftp://files.example.com"}, 400, "loanLink"),
    ({"name": "Acme", "code": "acme2", "loanLink": "http://loans.example.com:99999/"}, 400, "loanLink"),
    ({"name": "Acme", "code": "acme"}, 409, "code"),
])
def test_organization_creation_errors(api, admin, body, status, field):
    api.organization(admin, code="acme")

    response = api.call("POST", "/organizations", token=admin, json=body)

    assert response.status_code == status and error_of(response)["field"] == field


@pytest.mark.parametrize("body", [{}, {"rotateToken": False}])
def test_an_organization_update_that_asks_for_nothing_is_a_400(api, admin, body):
    organization = api.organization(admin, code="acme")
    response = api.call("PATCH", f"/organizations/{organization['id']}", token=admin, json=body)
    assert response.status_code == 400 and error_of(response)["field"] == "name"


def test_organization_integration_settings_are_set_returned_and_published(api, admin, container):
    created = api.call("POST", "/organizations", token=admin, json={
        "name": "Acme", "code": "acme", "crmLeadEmails": ["leads@crm.example.com"],
        "timezone": "America/Los_Angeles"})
    assert created.status_code == 201, created.get_json()
    organization = created.get_json()
    assert (organization["crmLeadEmails"], organization["managerEmails"], organization["timezone"]) == (
        ["leads@crm.example.com"], [], "America/Los_Angeles")

    patched = api.call("PATCH", f"/organizations/{organization['id']}", token=admin, json={
        "managerEmails": ["boss@acme.example.com", "floor@acme.example.com"], "timezone": "Europe/Berlin"})
    assert patched.status_code == 200
    body = patched.get_json()
    assert body["crmLeadEmails"] == ["leads@crm.example.com"]  # untouched
    assert body["managerEmails"] == ["boss@acme.example.com", "floor@acme.example.com"]
    assert body["timezone"] == "Europe/Berlin"
    assert api.call("GET", f"/organizations/{organization['id']}", token=admin).get_json() == body

    published = [row.payload["data"]["organization"] for row in api.outbox_rows("organization.updated")]
    assert published[-1]["managerEmails"] == body["managerEmails"]
    assert published[-1]["timezone"] == "Europe/Berlin"


def test_a_new_organization_defaults_to_utc_and_no_addresses(api, admin):
    organization = api.organization(admin, code="plain")
    assert (organization["crmLeadEmails"], organization["managerEmails"], organization["timezone"]) == ([], [], "UTC")


@pytest.mark.parametrize("body, field", [
    ({"crmLeadEmails": ["a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com", "f@x.com"]}, "crmLeadEmails"),
    ({"crmLeadEmails": ["not-an-address"]}, "crmLeadEmails"),
    ({"crmLeadEmails": "leads@crm.example.com"}, "crmLeadEmails"),
    ({"crmLeadEmails": ["a@x.com", "A@x.com"]}, "crmLeadEmails"),
    ({"managerEmails": [f"m{i}@x.com" for i in range(11)]}, "managerEmails"),
    ({"managerEmails": [42]}, "managerEmails"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": ""}, "timezone"),
])
def test_bad_integration_settings_are_400s_naming_the_field(api, admin, body, field):
    organization = api.organization(admin, code="acme")

    patched = api.call("PATCH", f"/organizations/{organization['id']}", token=admin, json=body)
    created = api.call("POST", "/organizations", token=admin, json={"name": "B", "code": "bee", **body})

    assert patched.status_code == 400 and error_of(patched)["field"] == field
    assert created.status_code == 400 and error_of(created)["field"] == field


def test_unknown_organization_is_not_found(api, admin):
    assert api.call("GET", "/organizations/nope", token=admin).status_code == 404
    response = api.call("PATCH", "/organizations/nope", token=admin, json={"name": "X"})
    assert response.status_code == 404 and error_of(response)["code"] == "organization_not_found"


def test_dealer_sees_its_own_organization_without_the_token_and_no_other(api, admin):
    mine, other = api.organization(admin, code="mine"), api.organization(admin, code="other")
    _, token = api.active_dealer(admin, 1, mine["id"])

    own = api.call("GET", f"/organizations/{mine['id']}", token=token)
    foreign = api.call("GET", f"/organizations/{other['id']}", token=token)

    assert own.status_code == 200 and "token" not in own.get_json()
    assert own.get_json()["code"] == "mine"
    assert mine["token"] not in own.get_data(as_text=True)
    assert foreign.status_code == 404


def set_created_at(engine, account_id: str, moment: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(accounts.update().where(accounts.c.id == account_id).values(created_at=moment))


def test_dealer_list_applies_the_contracts_filters(api, admin, engine):
    acme = api.organization(admin, code="acme", name="Acme Motors")
    zenith = api.organization(admin, code="zen", name="Zenith")
    ann, ann_token = api.active_dealer(admin, "ann", acme["id"], firstName="Annabel", lastName="Smith",
                                       phone="555-0101")
    bob, _ = api.active_dealer(admin, "bob", zenith["id"], firstName="Bob", lastName="Mcann")
    cid = api.register("cid", firstName="Cid", lastName="Jones")
    api.call("POST", "/accounts/status/online", token=ann_token)
    set_created_at(engine, ann["id"], datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc))  # March 2nd in GMT+7
    set_created_at(engine, bob["id"], datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))
    set_created_at(engine, cid["id"], datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc))

    def ids(query: dict, **params) -> list[str]:
        response = api.call("GET", "/organization/getdealers", token=admin,
                            query_string={"query": json.dumps(query), **params})
        assert response.status_code == 200, response.get_json()
        return [a["id"] for a in response.get_json()]

    def count(query: dict, **params) -> int:
        response = api.call("GET", "/organization/countdealer", token=admin,
                            query_string={"query": json.dumps(query), **params})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["count"]

    assert ids({"name": "ANN"}) == [ann["id"], bob["id"]]  # newest first
    assert ids({}, organizationId=acme["id"]) == [ann["id"]]
    assert ids({"organizationName": "zen"}) == [bob["id"]]
    assert ids({"phone": "0101"}) == [ann["id"]]
    assert ids({"email": "DEALERCID"}) == [cid["id"]]
    assert ids({"status": "inactive"}) == [cid["id"]]
    assert count({"status": "active,inactive"}) == 3
    assert ids({"accountStatus": "online"}) == [ann["id"]]
    assert ids({"from": "2026-03-02", "to": "2026-03-02", "timezoneoffset": -420}) == [ann["id"]]
    assert count({"from": "2026-03-01", "to": "2026-03-01"}) == 2
    assert ids({"skip": 1, "limit": 1}) == [ann["id"]]
    assert count({}, name="ann", status="active") == 2  # plain parameters work as well


@pytest.mark.parametrize("query, field", [
    ('{"status": "sleeping"}', "status"),
    ('{"accountStatus": "away"}', "accountStatus"),
    ('{"from": "March 1st"}', "from"),
    ('{"from": "2026-03-02", "to": "2026-03-01"}', "to"),
    ('{"limit": 1000}', "limit"),
    ('{"timezoneoffset": "GMT+7"}', "timezoneoffset"),
    ('not json', "query"),
])
def test_dealer_list_rejects_bad_filters_naming_the_field(api, admin, query, field):
    response = api.call("GET", "/organization/getdealers", token=admin, query_string={"query": query})

    assert response.status_code == 400 and error_of(response)["field"] == field
