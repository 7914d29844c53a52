"""`/auth*` over HTTP on the real database: happy paths and JSON 4xx errors."""
from __future__ import annotations

import pytest

from dropin_auth.entrypoints.http import create_app

from .http_helpers import PASSWORD, AuthClient


@pytest.fixture
def api(container) -> AuthClient:
    return AuthClient(create_app(container).test_client(), container)


def error_of(response) -> dict:
    assert response.is_json, response.data[:200]
    return response.get_json()["error"]


def test_register_returns_the_account_without_any_password(api):
    response = api.call("POST", "/auth/register", json={
        "email": "Ann@Example.com", "password": PASSWORD, "firstName": "Ann", "lastName": "Lee",
        "username": "ann", "phone": "+1 555 0100", "role": "admin"})

    assert response.status_code == 201
    account = response.get_json()
    assert set(account) == {"id", "email", "username", "firstName", "lastName", "phone", "role", "status",
                            "accountStatus", "organizationId", "createdAt", "updatedAt"}
    assert (account["email"], account["role"], account["status"]) == ("ann@example.com", "dealer", "inactive")
    assert PASSWORD not in response.get_data(as_text=True) and "argon2" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body, field", [
    ({"password": PASSWORD, "firstName": "A", "lastName": "B", "username": "abc"}, "email"),
    ({"email": "not-an-email", "password": PASSWORD, "firstName": "A", "lastName": "B", "username": "abc"}, "email"),
    ({"email": "a@example.com", "password": "short", "firstName": "A", "lastName": "B", "username": "abc"}, "password"),
    ({"email": "a@example.com", "password": PASSWORD, "lastName": "B", "username": "abc"}, "firstName"),
    ({"email": "a@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B", "username": "a b"},
     "username"),
    ({"email": "a@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B", "username": "abc",
      "phone": "call me"}, "phone"),
])
def test_register_rejects_bad_fields_naming_them(api, body, field):
    response = api.call("POST", "/auth/register", json=body)

    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_register_rejects_a_body_that_is_not_json(api):
    response = api.call("POST", "/auth/register", data="{nope", content_type="application/json")

    assert response.status_code == 400 and error_of(response)["code"] == "invalid_json"


def test_register_with_a_taken_email_or_username_is_a_conflict(api):
    api.register(1)

    taken_email = api.call("POST", "/auth/register", json={
        "email": "DEALER1@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B", "username": "xyz1"})
    taken_username = api.call("POST", "/auth/register", json={
        "email": "other@example.com", "password": PASSWORD, "firstName": "A", "lastName": "B", "username": "Dealer1"})

    assert (taken_email.status_code, error_of(taken_email)["code"]) == (409, "email_taken")
    assert (taken_username.status_code, error_of(taken_username)["code"]) == (409, "username_taken")


def test_login_by_email_or_username_returns_a_token_the_service_accepts(api):
    account = api.activated(api.register(1))

    for field, identifier in (("email", account["email"]), ("username", account["username"])):
        response = api.call("POST", "/auth", json={field: identifier, "password": PASSWORD},
                            headers={"Platform": "iOS"})
        assert response.status_code == 200
        body = response.get_json()
        assert body["account"]["id"] == account["id"]
        me = api.call("GET", "/accounts/me", token=body["token"])
        assert me.status_code == 200 and me.get_json()["id"] == account["id"]


def test_login_and_password_change_ignore_fields_they_do_not_know(api):
    account = api.activated(api.register(1))

    login = api.call("POST", "/auth", json={"email": account["email"], "password": PASSWORD, "device": "x"})
    change = api.call("POST", "/auth/changepassword", json={
        "email": account["email"], "password": PASSWORD, "newpassword": "another-long-password", "device": "x"})

    assert (login.status_code, change.status_code) == (200, 200)


def test_bearer_scheme_is_accepted_too(api):
    token = api.login(api.activated(api.register(1))["email"])

    response = api.call("GET", "/accounts/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200


def test_login_rejects_an_unknown_platform_header(api):
    api.register(1)

    response = api.call("POST", "/auth", json={"email": "dealer1@example.com", "password": PASSWORD},
                        headers={"Platform": "windows"})

    assert response.status_code == 400 and error_of(response)["field"] == "Platform"


def test_login_without_identifier_or_password_is_a_bad_request(api):
    no_identifier = api.call("POST", "/auth", json={"password": PASSWORD})
    no_password = api.call("POST", "/auth", json={"email": "dealer1@example.com"})

    assert (no_identifier.status_code, error_of(no_identifier)["field"]) == (400, "email")
    assert (no_password.status_code, error_of(no_password)["field"]) == (400, "password")


def test_wrong_password_and_unknown_user_get_the_same_401(api):
    api.register(1)

    wrong = api.call("POST", "/auth", json={"email": "dealer1@example.com", "password": "wrong password"})
    unknown = api.call("POST", "/auth", json={"email": "nobody@example.com", "password": "wrong password"})

    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong) == error_of(unknown)


def test_repeated_failures_from_one_client_are_rate_limited_with_retry_after(api):
    api.activated(api.register(1))
    bad = {"email": "dealer1@example.com", "password": "wrong password"}
    for _ in range(3):  # the test settings allow 3 failures per 5 minutes
        assert api.call("POST", "/auth", json=bad, headers={"X-Real-IP": "203.0.113.7"}).status_code == 401

    limited = api.call("POST", "/auth", json={"email": "dealer1@example.com", "password": PASSWORD},
                       headers={"X-Real-IP": "203.0.113.7"})
    other_client = api.call("POST", "/auth", json={"email": "dealer1@example.com", "password": PASSWORD},
                            headers={"X-Forwarded-For": "198.51.100.1, 10.0.0.1"})

    assert limited.status_code == 429 and error_of(limited)["code"] == "too_many_login_attempts"
    assert 0 < int(limited.headers["Retry-After"]) <= 300
    assert other_client.status_code == 200


def test_logout_revokes_the_token_and_only_that_token(api):
    account = api.activated(api.register(1))
    first, second = api.login(account["email"]), api.login(account["email"])

    assert api.call("POST", "/auth/logout", token=first).status_code == 200

    refused = api.call("GET", "/accounts/me", token=first)
    assert refused.status_code == 401 and error_of(refused)["code"] == "token_revoked"
    assert api.call("GET", "/accounts/me", token=second).status_code == 200


def test_logout_needs_a_token(api):
    response = api.call("POST", "/auth/logout")

    assert response.status_code == 401 and error_of(response)["code"] == "authentication_required"


def test_change_password_refuses_older_tokens_and_returns_a_working_one(api):
    account = api.activated(api.register(1))
    old_token = api.login(account["email"])

    response = api.call("POST", "/auth/changepassword", json={
        "username": account["username"], "password": PASSWORD, "newpassword": "brand new password"})

    assert response.status_code == 200
    new_token = response.get_json()["token"]
    assert api.call("GET", "/accounts/me", token=old_token).status_code == 401
    assert api.call("GET", "/accounts/me", token=new_token).status_code == 200
    assert api.login(account["email"], "brand new password")


def test_change_password_errors(api):
    account = api.register(1)

    wrong = api.call("POST", "/auth/changepassword", json={
        "username": account["username"], "password": "not it at all", "newpassword": "brand new password"})
    too_short = api.call("POST", "/auth/changepassword", json={
        "username": account["username"], "password": PASSWORD, "newpassword": "short"})

    assert wrong.status_code == 401
    assert (too_short.status_code, error_of(too_short)["field"]) == (400, "newpassword")


def test_a_forged_token_is_refused(api):
    response = api.call("GET", "/accounts/me", token="eyJhbGciOiJFZERTQSJ9.e30.c2ln")

    assert response.status_code == 401 and error_of(response)["code"] == "invalid_token"


def test_health_and_readiness(api):
    assert api.call("GET", "/healthz").status_code == 200
    ready = api.call("GET", "/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == ["broker", "database"]


def test_common_passwords_are_refused_with_a_400_naming_the_field(api):
    register = api.call("POST", "/auth/register", json={
        "email": "ann@example.com", "password": "password123", "firstName": "Ann", "lastName": "Lee",
        "username": "ann"})
    account = api.activated(api.register(1))
    change = api.call("POST", "/auth/changepassword", json={
        "username": account["username"], "password": PASSWORD, "newpassword": "iloveyou"})

    assert (register.status_code, error_of(register)["field"]) == (400, "password")
    assert (change.status_code, error_of(change)["field"]) == (400, "newpassword")


def test_one_account_sprayed_from_many_addresses_is_limited_whatever_the_address(api, container):
    account = api.activated(api.register(1))
    limit = container.throttle.max_identifier_failures
    bad = {"email": account["email"], "password": "wrong password"}
    for n in range(limit):
        response = api.call("POST", "/auth", json=bad, headers={"X-Real-IP": f"203.0.113.{n + 1}"})
        assert response.status_code == 401, n

    fresh_address = api.call("POST", "/auth", json={"email": account["email"], "password": PASSWORD},
                             headers={"X-Real-IP": "198.51.100.200"})

    assert fresh_address.status_code == 429 and error_of(fresh_address)["code"] == "too_many_login_attempts"
    assert 0 < int(fresh_address.headers["Retry-After"]) <= 300
