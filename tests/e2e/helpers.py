"""Small builders the end-to-end tests share: each makes fresh, uniquely named data."""
from __future__ import annotations

import uuid


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_organization(api, admin_token: str, *, loan_link: str | None = "https://loans.example.com/apply") -> dict:
    code = unique("org")
    body = {"name": f"Dealer {code}", "code": code}
    if loan_link:
        body["loanLink"] = loan_link
    response = api.request("POST", "/organizations", token=admin_token, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def register(api, *, password: str = "s3cret-password", **overrides) -> dict:
    name = unique("dealer")
    body = {"email": f"{name}@example.com", "password": password, "firstName": "Dana",
            "lastName": name.title(), "username": name, **overrides}
    response = api.request("POST", "/auth/register", json=body)
    assert response.status_code == 201, response.text
    return {**response.json(), "password": password}


def login(api, identifier: str, password: str, **kwargs) -> str:
    key = "email" if "@" in identifier else "username"
    response = api.request("POST", "/auth", json={key: identifier, "password": password}, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def new_active_dealer(api, admin_token: str, organization_id: str, *, online: bool = True) -> tuple[dict, str]:
    """A registered dealer, activated and attached by the admin, logged in (and online); returns the
    account as auth last answered it, and the dealer's token."""
    registered = register(api)
    response = api.request("PATCH", f"/accounts/{registered['id']}", token=admin_token,
                           json={"status": "active", "organizationId": organization_id})
    assert response.status_code == 200, response.text
    token = login(api, registered["email"], registered["password"])
    if online:
        response = api.request("POST", "/accounts/status/online", token=token)
        assert response.status_code == 200, response.text
    return response.json(), token
