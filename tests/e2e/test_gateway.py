"""The gateway's own rules, through the real nginx in front of the real services."""
import concurrent.futures
import json
import socket
import time

import pytest
import requests
from openapi_spec_validator import validate as validate_openapi

from dropin_common.testing import wait_until

from tests.e2e.conftest import ROOT, WEB_ORIGIN
from tests.e2e.test_production_settings import stack

# What the test profile's gateway is configured with (tools/stack.py), so Retry-After can be checked.
LOGIN_RETRY_AFTER = stack.retry_after_seconds(stack.PROFILES["test"].login_rate)
REGISTER_RETRY_AFTER = stack.retry_after_seconds(stack.PROFILES["test"].register_rate)


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


def test_the_gateway_serves_every_services_document_merged_in_one(api):
    merged = api.request("GET", "/openapi.json")
    assert merged.status_code == 200 and merged.headers["Content-Type"] == "application/json"
    document = merged.json()
    validate_openapi(document)
    assert document["info"]["title"] == "Dropin Auto API"
    for service in ("auth", "streams", "dashboard", "chat", "integrations"):
        own = api.request("GET", f"/openapi/{service}.json").json()
        assert set(own["paths"]) <= set(document["paths"]), service
    assert api.request("GET", "/openapi.json", api_key=None).status_code == 401


# --- CORS: the web app (WEB_ORIGIN) calls the API from another origin ---------------------------

EXPOSED = {"X-Request-Id", "Retry-After", "Content-Disposition", "X-Data-Age-Seconds"}


def header_set(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",") if item.strip()}


def preflight(stack, path: str, origin: str, method: str = "POST") -> requests.Response:
    # What a browser sends: no apikey, no Authorization, only the CORS request headers.
    return requests.options(stack.gateway_url + path, timeout=5, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "apikey, authorization, content-type"})


def test_preflight_needs_no_apikey_and_is_answered_by_the_gateway(stack):
    response = preflight(stack, "/organizations", WEB_ORIGIN)
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    assert header_set(response.headers["Access-Control-Allow-Methods"]) == {
        "get", "post", "put", "patch", "delete", "options"}
    assert header_set(response.headers["Access-Control-Allow-Headers"]) >= {
        "apikey", "authorization", "content-type", "platform", "x-stream-token", "x-request-id"}
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "origin" in header_set(response.headers["Vary"])
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["X-Request-Id"]


def test_preflight_from_every_configured_origin_echoes_that_origin(stack):
    response = preflight(stack, "/dashboard/getcalls", "http://localhost:3000", method="GET")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_preflight_from_another_origin_gets_no_allow_origin(stack):
    for origin in ("https://evil.example.com", "https://autodev.dropininc.com.evil.example.com",
                   "http://autodev.dropininc.com"):
        response = preflight(stack, "/organizations", origin)
        assert response.status_code == 204
        assert "Access-Control-Allow-Origin" not in response.headers, origin
        assert "origin" in header_set(response.headers["Vary"])


def test_options_that_is_not_a_preflight_still_needs_the_apikey(api):
    response = api.request("OPTIONS", "/organizations", api_key=None, headers={"Origin": WEB_ORIGIN})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_responses_to_an_allowed_origin_carry_cors_headers(api):
    response = api.request("GET", "/vin/1HGCM82633A004352", headers={"Origin": WEB_ORIGIN})
    assert response.status_code != 401
    assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    assert header_set(response.headers["Access-Control-Expose-Headers"]) == {h.lower() for h in EXPOSED}
    assert "origin" in header_set(response.headers["Vary"])
    # Preflight-only headers stay on preflights.
    assert "Access-Control-Allow-Methods" not in response.headers
    assert "Access-Control-Max-Age" not in response.headers


def test_responses_to_another_origin_carry_no_allow_origin(api):
    response = api.request("GET", "/vin/1HGCM82633A004352", headers={"Origin": "https://evil.example.com"})
    assert response.status_code != 401
    assert "Access-Control-Allow-Origin" not in response.headers


def test_gateway_errors_carry_cors_headers_so_the_browser_can_read_them(api):
    missing_key = api.request("GET", "/accounts/me", api_key=None, headers={"Origin": WEB_ORIGIN})
    not_found = api.request("GET", "/no/such/thing", headers={"Origin": WEB_ORIGIN})
    too_large = api.request("POST", "/leads", data=b"x" * 200_000,
                            headers={"Origin": WEB_ORIGIN, "Content-Type": "application/json"})
    for response, status in ((missing_key, 401), (not_found, 404), (too_large, 413)):
        assert response.status_code == status
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN, status
        assert header_set(response.headers["Access-Control-Expose-Headers"]) == {h.lower() for h in EXPOSED}
        assert response.headers["X-Request-Id"], status


def test_gateway_rate_limit_answer_keeps_request_id_retry_after_and_cors(api):
    def attempt(n: int) -> requests.Response:
        return api.request("POST", "/auth", json={"username": f"cors-nobody-{n}", "password": "wrong-password"},
                           headers={"Origin": WEB_ORIGIN})

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(attempt, range(50)))
    limited = [response for response in responses if response.status_code == 429]
    assert limited, "50 simultaneous logins from one client were all let through"
    for response in limited:
        assert response.json()["error"]["code"] == "rate_limited"
        assert response.headers["Retry-After"] == str(LOGIN_RETRY_AFTER)
        assert response.headers["X-Request-Id"]
        assert response.headers["Access-Control-Allow-Origin"] == WEB_ORIGIN
    time.sleep(2)  # let the bucket drain so later tests can log in


def test_auths_own_429_keeps_its_single_retry_after(api):
    # Auth's per-identifier throttle answers 429 with its own Retry-After; the gateway adds none.
    identifier = f"throttled-{time.time_ns()}"
    for _ in range(30):
        response = api.request("POST", "/auth", json={"username": identifier, "password": "wrong-password"})
        if response.status_code == 429:
            break
        assert response.status_code == 401, response.text
        time.sleep(0.15)  # under the gateway's own per-client rate
    assert response.status_code == 429, "auth never throttled the identifier"
    assert response.json()["error"]["code"] == "too_many_login_attempts"
    assert response.headers["Retry-After"].isdigit(), response.headers["Retry-After"]
    time.sleep(1)


# --- requests nginx cannot parse still get JSON errors ------------------------------------------

def assert_json_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:200])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_over_long_uri_is_a_json_414(api):
    assert_json_error(api.request("GET", "/vin/" + "A" * 10_000), 414, "uri_too_long")


def test_over_large_header_is_a_json_431(api):
    response = api.request("GET", "/accounts/me", headers={"Authorization": "JWT " + "a" * 20_000})
    assert_json_error(response, 431, "headers_too_large")


def test_nul_byte_in_the_path_is_a_json_400(api):
    assert_json_error(api.request("GET", "/vin/1HGCM8%002633A004352"), 400, "bad_request")


def test_malformed_requests_get_json_errors_without_an_apikey(stack):
    base = stack.gateway_url
    assert_json_error(requests.get(base + "/vin/1HGCM8%002633A004352", timeout=5), 400, "bad_request")
    assert_json_error(requests.get(base + "/vin/" + "A" * 10_000, timeout=5), 414, "uri_too_long")
    # An OPTIONS that looks like a preflight but has a malformed path is still refused.
    response = requests.options(base + "/vin/1%00", timeout=5,
                                headers={"Origin": WEB_ORIGIN, "Access-Control-Request-Method": "GET"})
    assert_json_error(response, 400, "bad_request")


def test_trace_is_a_json_405(api):
    assert_json_error(api.request("TRACE", "/vin/1HGCM82633A004352"), 405, "method_not_allowed")


def test_unsupported_http_version_is_a_json_505(stack):
    host, port = stack.gateway_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(b"GET /healthz HTTP/2.5\r\nHost: gateway\r\n\r\n")
        raw = b""
        while chunk := connection.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 505"), head
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body)["error"]["code"] == "http_version_not_supported"


def test_gateway_error_pages_are_not_reachable_directly(api):
    assert_json_error(api.request("GET", "/_gateway/400", api_key=None), 404, "not_found")


@pytest.mark.parametrize("length", [4_100, 7_900])
def test_a_long_uri_that_nginx_lets_through_gets_the_services_json_answer(api, admin_token, length):
    # Between gunicorn's default request-line limit (4094) and nginx's (8 KB) nobody answered HTML.
    response = api.request("GET", "/organization/getdealers", token=admin_token,
                           params={"name": "a" * (length - 60)})
    assert response.status_code == 200, response.text[:200]
    assert response.json() == []


@pytest.mark.parametrize("path", ["/chat", "/accounts", "/organization", "/streams/request", "/vin", "/socket",
                                  "/dashboard"])
def test_a_prefix_without_its_slash_is_a_json_404_not_a_redirect(api, path):
    assert_json_error(api.request("GET", path), 404, "not_found")


def test_options_on_a_route_is_a_json_405_and_a_doubled_slash_a_json_404(api):
    assert_json_error(api.request("OPTIONS", "/vin/1HGCM82633A004352"), 405, "method_not_allowed")
    assert_json_error(api.request("GET", "/vin/1HGCM82633A004352//"), 404, "not_found")


# --- limits that cannot be side-stepped ----------------------------------------------------------

def burst(api, method: str, path: str, body: dict, n: int = 50) -> list[requests.Response]:
    """`n` requests at once from this one client (far over any burst the gateway allows)."""
    def attempt(i: int) -> requests.Response:
        return api.request(method, path, json={key: value.format(i=i) for key, value in body.items()})
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


@pytest.mark.parametrize("path", ["/auth", "/auth/", "/auth%2F", "//auth", "/auth/changepassword",
                                  "/auth/changepassword/", "/auth%2Fchangepassword", "/auth/./changepassword"])
def test_every_spelling_of_a_password_checking_path_is_rate_limited(api, path):
    # Empty bodies: the gateway counts them all the same, and those let through cost auth no argon2.
    responses = burst(api, "POST", path, {})
    limited = [response for response in responses if response.status_code == 429]
    assert limited, f"50 simultaneous {path} from one client were all let through"
    assert {response.json()["error"]["code"] for response in limited} == {"rate_limited"}
    assert {response.headers["Retry-After"] for response in limited} == {str(LOGIN_RETRY_AFTER)}
    time.sleep(2)  # let the bucket drain so later tests can log in


def test_registration_is_rate_limited_at_the_gateway(api):
    responses = burst(api, "POST", "/auth/register", {"email": "not-an-email-{i}"})
    limited = [response for response in responses if response.status_code == 429]
    assert limited, "50 simultaneous registrations from one client were all let through"
    assert {response.headers["Retry-After"] for response in limited} == {str(REGISTER_RETRY_AFTER)}
    assert 201 not in {response.status_code for response in responses}
    time.sleep(2)


# --- edges: headers on every answer ---------------------------------------------------------------

SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@pytest.mark.parametrize("method, path, key", [
    ("GET", "/vin/1HGCM82633A004352", "default"),  # a service's answer
    ("GET", "/accounts/me", "default"),            # a service's 401
    ("GET", "/no/such/thing", "default"),          # the gateway's own 404
    ("GET", "/accounts/me", None),                 # the gateway's 401 for a missing apikey
])
def test_every_answer_carries_the_security_headers_once(api, method, path, key):
    response = api.request(method, path, api_key=key)
    raw = response.raw.headers
    for header, value in SECURITY_HEADERS.items():
        assert raw.getlist(header) == [value], (path, header, raw.getlist(header))
    assert raw.getlist("Content-Security-Policy") == ["frame-ancestors 'none'"]
    assert len(raw.getlist("X-Request-Id")) == 1 and raw.getlist("X-Request-Id")[0]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here: no HSTS


def test_refusals_are_security_log_lines_with_the_gateways_request_id(api):
    response = api.request("POST", "/auth", json={"username": "no-such-user-for-the-log", "password": "wrong-pw"})
    assert response.status_code == 401
    request_id = response.headers["X-Request-Id"]
    log = ROOT / "var" / "test" / "logs" / "auth-web.log"

    def security_line() -> dict | None:
        for line in log.read_text().splitlines():
            if request_id in line and '"securityEvent"' in line:
                return json.loads(line)
        return None
    wait_until(lambda: security_line() is not None, timeout=5, message="the security log line")
    line = security_line()
    assert (line["securityEvent"], line["code"], line["status"]) == ("unauthorized", "invalid_credentials", 401)
    assert line["client"] == "127.0.0.1"
    access = [json.loads(line) for line in log.read_text().splitlines() if request_id in line and '"ms"' in line]
    assert any(entry["status"] == 401 and entry["path"] == "/auth" for entry in access)
