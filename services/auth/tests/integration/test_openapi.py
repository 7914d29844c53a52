"""The auth API documents itself: a valid OpenAPI document covering every route, from the same
marshmallow schemas that validate requests, whose security matches what the views enforce."""
from __future__ import annotations

import pytest

from dropin_auth.entrypoints.http import create_app
from dropin_common.testing import documented_api

from .http_helpers import AuthClient

# The contract's account paths (`/accounts/status/online|offline` is one templated path) and its
# dealer list, as the auth service serves them.
CONTRACT_PATHS = {"/auth", "/auth/register", "/auth/changepassword", "/auth/logout",
                  "/accounts/status/{presence}", "/organization/getdealers", "/organization/countdealer"}
# What the service adds for the dashboard and the apps: the caller's account, admin changes, organizations.
SERVICE_PATHS = {"/accounts/me", "/accounts/{accountId}", "/organizations", "/organizations/{organizationId}"}
OPERATIONS = {
    ("post", "/auth"), ("post", "/auth/register"), ("post", "/auth/changepassword"),
    ("post", "/auth/logout"), ("post", "/accounts/status/{presence}"), ("get", "/accounts/me"),
    ("patch", "/accounts/{accountId}"), ("get", "/organization/getdealers"),
    ("get", "/organization/countdealer"), ("post", "/organizations"), ("get", "/organizations"),
    ("get", "/organizations/{organizationId}"), ("patch", "/organizations/{organizationId}")}
ADMIN_ONLY = {
    ("patch", "/accounts/{accountId}"), ("get", "/organization/getdealers"),
    ("get", "/organization/countdealer"), ("post", "/organizations"), ("get", "/organizations"),
    ("patch", "/organizations/{organizationId}")}
PUBLIC = {("post", "/auth"), ("post", "/auth/register"), ("post", "/auth/changepassword")}
JWT = [{"apikey": [], "jwt": []}]
DEALER_FILTERS = {"name", "phone", "email", "organizationName", "organizationId", "status",
                  "accountStatus", "from", "to", "timezoneoffset"}


@pytest.fixture
def client(container):
    return create_app(container).test_client()


@pytest.fixture
def document(client) -> dict:
    return documented_api(client)


def operations(document: dict) -> dict[tuple[str, str], dict]:
    return {(method, path): operation for path, item in document["paths"].items()
            for method, operation in item.items() if method != "parameters"}


def body_schema(document: dict, method: str, path: str) -> dict:
    body = document["paths"][path][method]["requestBody"]
    assert body["required"] is True
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def query_parameters(document: dict, method: str, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in document["paths"][path][method].get("parameters", []) if p["in"] == "query"}


def test_every_auth_route_is_in_a_valid_openapi_document(document):
    assert set(document["paths"]) == CONTRACT_PATHS | SERVICE_PATHS
    assert set(operations(document)) == OPERATIONS
    assert {tag for operation in operations(document).values() for tag in operation["tags"]} == {
        "accounts", "sessions", "organizations", "dealers"}
    presence = document["paths"]["/accounts/status/{presence}"]["parameters"]
    assert presence == [{"in": "path", "name": "presence", "required": True,
                         "schema": {"type": "string", "enum": ["online", "offline"]}}]


def test_register_and_login_bodies_come_from_their_schemas(document):
    register = body_schema(document, "post", "/auth/register")
    assert sorted(register["required"]) == ["email", "firstName", "lastName", "password", "username"]
    assert register["properties"]["password"]["minLength"] == 8
    assert "role" not in register["properties"]  # self-registration cannot ask for a role

    login = body_schema(document, "post", "/auth")
    assert login["required"] == ["password"]  # plus email OR username, checked across fields
    assert {"email", "username", "password"} <= set(login["properties"])
    change = body_schema(document, "post", "/auth/changepassword")
    assert sorted(change["required"]) == ["newpassword", "password"]

    login_responses = document["paths"]["/auth"]["post"]["responses"]
    assert {"200", "400", "401", "429"} <= set(login_responses)
    assert "Retry-After" in login_responses["429"]["headers"]
    assert login_responses["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    assert "409" in document["paths"]["/auth/register"]["post"]["responses"]
    assert "201" in document["paths"]["/auth/register"]["post"]["responses"]


def test_the_dealer_list_and_count_take_the_contract_filters(document):
    listed = query_parameters(document, "get", "/organization/getdealers")
    assert set(listed) == DEALER_FILTERS | {"skip", "limit", "query"}
    assert listed["limit"]["schema"]["maximum"] == 100 and listed["skip"]["schema"]["minimum"] == 0
    assert listed["from"]["schema"]["format"] == "date"
    counted = query_parameters(document, "get", "/organization/countdealer")
    assert set(counted) == DEALER_FILTERS | {"query"}
    assert set(query_parameters(document, "get", "/organizations")) == {"name", "skip", "limit", "query"}


def test_security_is_declared_as_the_views_need_it(document):
    for key, operation in operations(document).items():
        if key in PUBLIC:
            assert "security" not in operation, key  # the global `apikey` only
            continue
        assert operation["security"] == JWT, key
        assert "401" in operation["responses"], key
        assert "403" in operation["responses"], key  # a switched-off account's token, on every one
        assert ("forbidden_role" in operation["responses"]["403"]["description"]) == (key in ADMIN_ONLY), key


def test_the_documented_security_is_what_the_views_enforce(document, client, container):
    """Without a token exactly the JWT operations answer 401; with a dealer's token exactly the
    admin-only operations answer 403, and every answer's status is documented."""
    api = AuthClient(client, container)
    account = api.activated(api.register("doc"))
    token = api.login(account["email"])
    by_path = {"/accounts/status/{presence}": "/accounts/status/online",
               "/accounts/{accountId}": f"/accounts/{account['id']}",
               "/organizations/{organizationId}": "/organizations/no-such-organization"}
    # Logout revokes the dealer's token, so it comes last.
    last_logout = sorted(operations(document).items(), key=lambda item: item[0][1] == "/auth/logout")
    for (method, path), operation in last_logout:
        url = by_path.get(path, path)
        anonymous = api.call(method.upper(), url, json={})
        needs_jwt = operation.get("security") == JWT
        assert (anonymous.status_code == 401) == needs_jwt, (method, path, anonymous.get_json())
        as_dealer = api.call(method.upper(), url, token=token, json={})
        assert (as_dealer.status_code == 403) == ((method, path) in ADMIN_ONLY), (method, path)
        assert str(as_dealer.status_code) in operation["responses"], (method, path, as_dealer.status_code)
