"""Auth through nginx: accounts, sessions, revocation (here and in other services), dealer lists."""
from __future__ import annotations

import configparser
import json
import stat

from dropin_common.testing import wait_until
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import login, new_active_dealer, new_organization, register, unique


def test_registered_dealer_is_activated_logs_in_and_its_token_dies_at_logout(api, admin_token):
    organization = new_organization(api, admin_token)
    account = register(api)
    assert (account["status"], account["role"]) == ("inactive", "dealer")

    activated = api.request("PATCH", f"/accounts/{account['id']}", token=admin_token,
                            json={"status": "active", "organizationId": organization["id"]})
    assert activated.status_code == 200 and activated.json()["status"] == "active"

    token = login(api, account["username"], account["password"], headers={"Platform": "android"})
    me = api.request("GET", "/accounts/me", token=token)
    assert me.status_code == 200 and me.json()["organizationId"] == organization["id"]

    assert api.request("POST", "/auth/logout", token=token).status_code == 200
    refused = api.request("GET", "/accounts/me", token=token)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "token_revoked"


def test_logout_reaches_the_other_services_within_seconds(api, admin_token):
    organization = new_organization(api, admin_token)
    _, token = new_active_dealer(api, admin_token, organization["id"])
    assert api.request("GET", "/streams", token=token).status_code == 200

    api.request("POST", "/auth/logout", token=token)

    wait_until(lambda: api.request("GET", "/streams", token=token).status_code == 401, timeout=5,
               message="streams to refuse a logged-out token")


def test_password_change_refuses_the_old_token_and_the_old_password(api, admin_token):
    account = register(api)
    assert api.request("PATCH", f"/accounts/{account['id']}", token=admin_token,
                       json={"status": "active"}).status_code == 200
    old_token = login(api, account["email"], account["password"])

    response = api.request("POST", "/auth/changepassword", json={
        "username": account["username"], "password": account["password"], "newpassword": "another-s3cret"})

    assert response.status_code == 200
    assert api.request("GET", "/accounts/me", token=old_token).status_code == 401
    assert api.request("GET", "/accounts/me", token=response.json()["token"]).status_code == 200
    old_password = api.request("POST", "/auth", json={"email": account["email"], "password": account["password"]})
    assert old_password.status_code == 401
    assert login(api, account["email"], "another-s3cret")


def test_login_with_an_unknown_platform_is_a_bad_request(api):
    account = register(api)

    response = api.request("POST", "/auth", json={"email": account["email"], "password": account["password"]},
                           headers={"Platform": "blackberry"})

    assert response.status_code == 400 and response.json()["error"]["field"] == "Platform"


def test_dealer_list_and_count_filter_by_organization_name_and_status(api, admin_token):
    organization = new_organization(api, admin_token)
    online, _ = new_active_dealer(api, admin_token, organization["id"])
    offline, _ = new_active_dealer(api, admin_token, organization["id"], online=False)
    surname = unique("Zed")
    named = register(api, lastName=surname)
    api.request("PATCH", f"/accounts/{named['id']}", token=admin_token, json={"organizationId": organization["id"]})

    def dealers(**query) -> list[str]:
        response = api.request("GET", "/organization/getdealers", token=admin_token,
                               params={"organizationId": organization["id"], "query": json.dumps(query)})
        assert response.status_code == 200, response.text
        return [dealer["id"] for dealer in response.json()]

    assert sorted(dealers()) == sorted([online["id"], offline["id"], named["id"]])
    assert dealers(accountStatus="online") == [online["id"]]
    assert dealers(name=surname.lower()) == [named["id"]]
    assert sorted(dealers(status="active")) == sorted([online["id"], offline["id"]])
    count = api.request("GET", "/organization/countdealer", token=admin_token,
                        params={"query": json.dumps({"organizationId": organization["id"], "status": "inactive"})})
    assert count.status_code == 200 and count.json() == {"count": 1}
    bad = api.request("GET", "/organization/getdealers", token=admin_token, params={"query": '{"status": "asleep"}'})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "status"


def test_organization_token_is_shown_to_admins_only(api, admin_token):
    organization = new_organization(api, admin_token)
    _, dealer_token = new_active_dealer(api, admin_token, organization["id"])

    as_admin = api.request("GET", f"/organizations/{organization['id']}", token=admin_token)
    as_dealer = api.request("GET", f"/organizations/{organization['id']}", token=dealer_token)

    assert as_admin.json()["token"] == organization["token"]
    assert as_dealer.status_code == 200 and "token" not in as_dealer.json()
    assert organization["token"] not in as_dealer.text
    assert api.request("GET", "/organization/getdealers", token=dealer_token).status_code == 403


def test_a_registered_dealer_cannot_log_in_before_activation(api):
    account = register(api)

    response = api.request("POST", "/auth", json={"email": account["email"], "password": account["password"]})

    assert response.status_code == 403 and response.json()["error"]["code"] == "account_inactive"


def test_a_deactivated_dealer_is_shut_out_of_every_service_within_a_second(api, admin_token):
    organization = new_organization(api, admin_token)
    dealer, token = new_active_dealer(api, admin_token, organization["id"])
    stream = api.request("POST", f"/streams/request/{organization['code']}", json={"vin": "1HGCM82633A004352"})
    stream_id = stream.json()["id"]
    presence = {"socket_id": "123.456", "channel_name": f"presence-organization-{organization['id']}"}
    assert api.request("GET", "/streams", token=token).status_code == 200
    assert api.request("POST", "/socket/auth", token=token, json=presence).status_code == 200

    assert api.request("PATCH", f"/accounts/{dealer['id']}", token=admin_token,
                       json={"status": "inactive"}).status_code == 200

    def refused_everywhere() -> bool:
        answers = [api.request("GET", "/streams", token=token),
                   api.request("POST", "/socket/auth", token=token, json=presence),
                   api.request("POST", "/accounts/status/online", token=token),
                   api.request("POST", f"/chat/{stream_id}", token=token, json={"message": "still here?"})]
        return all(answer.status_code in (401, 403) for answer in answers)
    wait_until(refused_everywhere, timeout=5, message="every service to refuse the deactivated dealer")
    login_again = api.request("POST", "/auth", json={"email": dealer["email"], "password": "s3cret-password"})
    assert login_again.status_code == 403 and login_again.json()["error"]["code"] == "account_inactive"


def test_a_just_activated_dealer_is_let_in_by_every_service_at_once(api, admin_token):
    # No retry here: the services wait for their replica instead of refusing the new token.
    organization = new_organization(api, admin_token)
    stream_id = api.request("POST", f"/streams/request/{organization['code']}",
                            json={"vin": "1HGCM82633A004352"}).json()["id"]
    for _ in range(3):
        _, token = new_active_dealer(api, admin_token, organization["id"], online=False)
        assert api.request("GET", "/streams", token=token).status_code == 200
        assert api.request("GET", f"/chat/{stream_id}?start=0&limit=1", token=token).status_code == 200
        assert api.request("GET", "/dashboard/countallcalllead", token=token).status_code == 403  # a dealer


def test_a_deactivated_admin_cannot_reactivate_itself_or_log_in(api, admin_token):
    boss = register(api)
    assert api.request("PATCH", f"/accounts/{boss['id']}", token=admin_token,
                       json={"status": "active", "role": "admin"}).status_code == 200
    boss_token = login(api, boss["email"], boss["password"])
    assert api.request("GET", "/dashboard/countallcalllead", token=boss_token).status_code == 200

    assert api.request("PATCH", f"/accounts/{boss['id']}", token=admin_token,
                       json={"status": "inactive"}).status_code == 200

    assert api.request("PATCH", f"/accounts/{boss['id']}", token=boss_token,
                       json={"status": "active"}).status_code == 401
    assert api.request("POST", "/organizations", token=boss_token,
                       json={"name": "Mine", "code": unique("evil")}).status_code == 401
    wait_until(lambda: api.request("GET", "/dashboard/countallcalllead", token=boss_token).status_code == 401,
               timeout=5, message="the dashboard to refuse the switched-off admin")
    assert api.request("POST", "/auth", json={"email": boss["email"], "password": boss["password"]}).status_code == 403


def test_only_auths_processes_are_told_of_the_private_key_and_only_its_owner_can_read_it(stack):
    var = ROOT / "var" / "test"
    programs = configparser.ConfigParser(interpolation=None)
    programs.read(var / "supervisord.conf")
    told = {name.removeprefix("program:") for name in programs.sections()
            if "JWT_PRIVATE_KEY_FILE" in programs[name].get("environment", "")}
    assert told and all(name.startswith("auth-") for name in told), told
    private_key = var / "keys" / "auth" / "jwt_ed25519.pem"
    assert stat.S_IMODE(private_key.stat().st_mode) == 0o600
    assert stat.S_IMODE(private_key.parent.stat().st_mode) == 0o700
    assert not (var / "keys" / "jwt_ed25519.pem").exists()  # beside the public key every service reads
