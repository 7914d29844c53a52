"""The shared Flask edge's security rules: headers on every answer, which peers may tell the
client's address, and a log line of its own for every refusal."""
import json
import logging

import pytest
from flask import request

from dropin_common.errors import Forbidden, TooManyRequests, Unauthorized
from dropin_common.http import client_address, create_service_app


@pytest.fixture()
def client():
    app = create_service_app("probe", max_body_bytes=1024, readiness_checks={},
                             trusted_proxies=("127.0.0.1", "10.1.0.0/16"))

    @app.get("/whoami")
    def whoami():
        return {"client": client_address(), "peer": request.remote_addr}

    @app.get("/refuse/<int:status>")
    def refuse(status):
        raise {401: Unauthorized("No.", code="token_revoked"), 403: Forbidden("No.", code="account_inactive"),
               429: TooManyRequests("Slow.", code="too_many_login_attempts")}[status]

    return app.test_client()


def whoami(client, peer, **headers):
    return client.get("/whoami", headers=headers, environ_base={"REMOTE_ADDR": peer}).get_json()["client"]


@pytest.mark.parametrize("path", ["/whoami", "/refuse/401", "/no/such/path", "/healthz"])
def test_every_answer_carries_the_security_headers_and_one_request_id(client, path):
    response = client.get(path, headers={"X-Request-Id": "req-1"})

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers.getlist("X-Request-Id") == ["req-1"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_when_served_over_tls_as_a_trusted_proxy_says(client):
    trusted = client.get("/whoami", headers={"X-Forwarded-Proto": "https"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    stranger = client.get("/whoami", headers={"X-Forwarded-Proto": "https"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})

    assert trusted.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in stranger.headers


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(client):
    assert whoami(client, "127.0.0.1", **{"X-Real-IP": "198.51.100.7"}) == "198.51.100.7"
    assert whoami(client, "10.1.2.3", **{"X-Forwarded-For": "198.51.100.8, 10.1.2.3"}) == "198.51.100.8"
    # Anyone else could write any address there: their own counts.
    assert whoami(client, "203.0.113.9", **{"X-Real-IP": "198.51.100.7"}) == "203.0.113.9"
    assert whoami(client, "203.0.113.9", **{"X-Forwarded-For": "198.51.100.8"}) == "203.0.113.9"


@pytest.mark.parametrize("status, event, code", [(401, "unauthorized", "token_revoked"),
                                                 (403, "forbidden", "account_inactive"),
                                                 (429, "rate_limited", "too_many_login_attempts")])
def test_every_refusal_is_a_security_log_line_of_its_own(client, caplog, status, event, code):
    with caplog.at_level(logging.INFO):
        client.get(f"/refuse/{status}", headers={"X-Request-Id": "req-9", "X-Real-IP": "198.51.100.7"})

    [line] = [json.loads(record.getMessage()) for record in caplog.records if record.name == "dropin.security"]
    assert line["securityEvent"] == event and line["code"] == code and line["status"] == status
    assert line["requestId"] == "req-9" and line["client"] == "198.51.100.7"
    [access] = [json.loads(record.getMessage()) for record in caplog.records if record.name == "dropin.access"]
    assert access["status"] == status and access["requestId"] == "req-9" and "ms" in access


def test_an_answer_that_is_not_refused_writes_no_security_line(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/whoami")
    assert [r for r in caplog.records if r.name == "dropin.security"] == []
