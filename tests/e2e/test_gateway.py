"""The gateway's own rules, through the real nginx in front of the real services."""
import concurrent.futures
import time

import requests


def test_request_without_apikey_is_refused_with_json_401(api):
    response = api.request("GET", "/accounts/me", api_key=None)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_request_with_wrong_apikey_is_refused(api):
    assert api.request("POST", "/auth", json={}, api_key="not-a-key").status_code == 401


def test_every_configured_apikey_is_accepted(api):
    for key in ("e2e-api-key", "second-e2e-key"):
        response = api.request("GET", "/vin/1HGCM82633A004352", api_key=key)
        assert response.status_code != 401, key


def test_unknown_path_is_a_json_404(api):
    response = api.request("GET", "/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_oversized_body_is_a_json_413(api):
    response = api.request("POST", "/leads", data=b"x" * 200_000, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_gateway_passes_a_request_id_and_overrides_a_spoofed_one(api):
    response = api.request("GET", "/vin/1HGCM82633A004352", headers={"X-Request-Id": "spoofed"})
    assert response.headers["X-Request-Id"] and response.headers["X-Request-Id"] != "spoofed"


def test_health_probe_needs_no_key(stack):
    assert requests.get(stack.gateway_url + "/healthz", timeout=5).status_code == 200


def test_login_is_rate_limited_per_client_at_the_gateway(api):
    # A different identifier each time, so auth's own per-identifier limit never trips: every 429
    # here is the gateway's per-client limit.
    def attempt(n: int) -> requests.Response:
        return api.request("POST", "/auth", json={"username": f"nobody-{n}", "password": "wrong-password"})

    # All at once: far more than the burst the gateway allows one client.
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(attempt, range(50)))
    limited = [response for response in responses if response.status_code == 429]
    assert limited, "50 simultaneous logins from one client were all let through"
    assert {response.json()["error"]["code"] for response in limited} == {"rate_limited"}
    time.sleep(2)  # let the bucket drain so later tests can log in


def test_each_service_serves_its_openapi_document_behind_the_apikey(api):
    prefixes = {"auth": "/auth", "streams": "/streams/request/{organizationCode}",
                "dashboard": "/dashboard/getcalls", "chat": "/chat/{streamId}"}
    for service, documented_path in prefixes.items():
        response = api.request("GET", f"/openapi/{service}.json")
        assert response.status_code == 200, (service, response.text)
        document = response.json()
        assert document["info"]["title"] == f"Dropin Auto {service} API"
        assert documented_path in document["paths"], service
    assert api.request("GET", "/openapi/chat.json", api_key=None).status_code == 401
    assert api.request("GET", "/openapi/nope.json").status_code == 404
