"""Small builders the end-to-end tests share: each makes fresh, uniquely named data."""
from __future__ import annotations

import uuid

from dropin_common.testing import wait_until

VIN = "1HGCM82633A004352"


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


def request_ringing(api, organization, dealers: int, created: list | None = None) -> dict:
    """Requests streams until one rings `dealers` dealers, which happens once the streams replica
    has heard of them going online (before that a request is answered missed, `nobody_online`).
    Earlier tries are real streams too: each one is appended to `created`."""
    created = [] if created is None else created

    def ringing():
        response = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": VIN, "model": "Accord"})
        assert response.status_code == 201, response.text
        created.append(response.json())
        return created[-1] if created[-1]["notifiedDealers"] == dealers else None
    return wait_until(ringing, timeout=10, interval=0.3, message=f"{dealers} dealers to ring")


def wait_until_online(api, organization, dealers: int) -> dict:
    """Waits until the streams service counts `dealers` dealers online (its replica has heard of
    them), so that the next request rings them instead of being missed `nobody_online`."""
    def available():
        response = api.request("GET", f"/streams/availability/{organization['code']}")
        if response.status_code == 404:
            return None  # the organization has not reached the replica yet
        assert response.status_code == 200, response.text
        return response.json() if response.json()["dealersOnline"] == dealers else None
    return wait_until(available, timeout=10, interval=0.2, message=f"{dealers} dealers online")
