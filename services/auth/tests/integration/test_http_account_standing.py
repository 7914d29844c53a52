"""Accounts that are switched off stay off: auth judges every token by the account as it is now."""
from __future__ import annotations

import pytest

from dropin_auth.domain.accounts import Account
from dropin_auth.entrypoints.http import create_app

from .http_helpers import PASSWORD, AuthClient


@pytest.fixture
def api(container) -> AuthClient:
    return AuthClient(create_app(container).test_client(), container)


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def second_admin(api: AuthClient, admin: str) -> tuple[dict, str]:
    account = api.register("boss")
    response = api.call("PATCH", f"/accounts/{account['id']}", token=admin,
                        json={"status": "active", "role": "admin"})
    assert response.status_code == 200, response.get_json()
    return account, api.login(account["email"])


def test_a_newly_registered_dealer_cannot_log_in_until_an_admin_activates_it(api):
    account = api.register(1)

    refused = api.call("POST", "/auth", json={"email": account["email"], "password": PASSWORD})
    wrong = api.call("POST", "/auth", json={"email": account["email"], "password": "not the password"})

    assert code_of(refused) == (403, "account_inactive")
    assert code_of(wrong) == (401, "invalid_credentials")  # the status is told only to the right password


def test_a_deactivated_admin_loses_its_tokens_its_login_and_cannot_reactivate_itself(api):
    admin = api.admin_token()
    boss, boss_token = second_admin(api, admin)

    assert api.call("PATCH", f"/accounts/{boss['id']}", token=admin, json={"status": "inactive"}).status_code == 200

    reactivate = api.call("PATCH", f"/accounts/{boss['id']}", token=boss_token, json={"status": "active"})
    create = api.call("POST", "/organizations", token=boss_token, json={"name": "Evil", "code": "evil"})
    login = api.call("POST", "/auth", json={"email": boss["email"], "password": PASSWORD})
    assert reactivate.status_code == 401 and create.status_code == 401
    assert code_of(login) == (403, "account_inactive")


def test_an_inactive_account_is_refused_even_with_a_token_issued_after_the_change(api, container):
    # Defence in depth: a token that escaped revocation (signed later, say) still meets the
    # account's current status.
    admin = api.admin_token()
    boss, _ = second_admin(api, admin)
    api.call("PATCH", f"/accounts/{boss['id']}", token=admin, json={"status": "inactive"})
    with container.uow() as uow:
        stored = uow.accounts.get(boss["id"])
    late_token = container.issuer.issue(stored, container.clock.now().timestamp()).token

    assert code_of(api.call("GET", "/accounts/me", token=late_token)) == (403, "account_inactive")


def test_every_change_of_status_role_or_organization_revokes_the_accounts_tokens(api):
    admin = api.admin_token()
    organization = api.organization(admin)
    dealer, token = api.active_dealer(admin, 1, organization["id"])
    for change in ({"role": "admin"}, {"role": "dealer"}, {"organizationId": None}, {"status": "inactive"}):
        assert api.call("GET", "/accounts/me", token=token).status_code == 200
        assert api.call("PATCH", f"/accounts/{dealer['id']}", token=admin, json=change).status_code == 200
        assert code_of(api.call("GET", "/accounts/me", token=token)) == (401, "token_revoked"), change
        if change != {"status": "inactive"}:
            token = api.login(dealer["email"])


def test_the_role_the_views_see_is_the_accounts_not_the_tokens(api, container):
    admin = api.admin_token()
    dealer, _ = api.active_dealer(admin, 1)
    with container.uow() as uow:
        stored = uow.accounts.get(dealer["id"])
    stored.role = "admin"  # a token claiming admin for an account that is a dealer
    forged_claims = container.issuer.issue(stored, container.clock.now().timestamp()).token

    response = api.call("GET", "/organization/getdealers", token=forged_claims)

    assert code_of(response) == (403, "forbidden_role")


def test_a_correctly_signed_token_for_an_unknown_account_is_refused(api, container):
    now = container.clock.now()
    stranger = Account.new_dealer(id="no-such-account", email="x@example.com", username="x", first_name="X",
                                  last_name="Y", phone=None, password_hash="-", now=now)
    stranger.administer(now, status="active", role="admin")
    token = container.issuer.issue(stranger, now.timestamp()).token  # auth's own key, never stored

    assert code_of(api.call("GET", "/accounts/me", token=token)) == (401, "unknown_account")
