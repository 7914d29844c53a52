"""Which webhook URLs and addresses are allowed; the Standard Webhooks signature; the retry schedule."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from dropin_integrations.adapters.webhook_sink import signed_headers
from dropin_integrations.domain.retry import attempts_within, backoff_for, nominal_delay
from dropin_integrations.domain.webhooks import TargetRefused, check_address, check_url, new_secret


@pytest.mark.parametrize("url", ["https://hooks.example.com/dropin", "https://93.184.216.34:8443/x"])
def test_production_accepts_https_to_public_hosts(url):
    assert check_url(url, production=True) == url


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/dropin",  # not https
    "http://127.0.0.1:9000/hook",
    "https://127.0.0.1/hook",  # loopback
    "https://10.1.2.3/hook", "https://192.168.0.5/hook", "https://172.16.0.1/hook",  # private
    "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
    "https://[::1]/hook", "https://[fe80::1]/hook", "https://[::ffff:10.0.0.1]/hook",
    "ftp://hooks.example.com/", "https://user:pw@hooks.example.com/", "https:///nohost", "not a url",
    "https://hooks.example.com:99999/",
])
def test_production_refuses_plain_http_private_and_link_local_targets(url):
    with pytest.raises(TargetRefused):
        check_url(url, production=True)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "http://localhost:9000/hook", "http://[::1]:9/x"])
def test_development_allows_http_to_loopback(url):
    assert check_url(url, production=False) == url


@pytest.mark.parametrize("url", ["http://hooks.example.com/x", "http://10.0.0.7/x"])
def test_development_still_refuses_http_beyond_loopback(url):
    with pytest.raises(TargetRefused):
        check_url(url, production=False)


@pytest.mark.parametrize("address", ["10.0.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "127.0.0.1",
                                     "0.0.0.0", "100.64.0.1", "::1", "fe80::1", "fc00::1", "224.0.0.1"])
def test_resolved_addresses_that_are_not_public_are_refused_in_production(address):
    with pytest.raises(TargetRefused):
        check_address(address, production=True)


def test_a_public_resolved_address_is_allowed():
    check_address("93.184.216.34", production=True)
    check_address("2606:2800:220:1:248:1893:25c8:1946", production=True)


def test_secrets_have_the_standard_prefix_and_32_random_bytes():
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


def test_signed_headers_verify_with_the_standardwebhooks_package():
    secret, body = new_secret(), json.dumps({"type": "lead.created", "timestamp": "t", "data": {"id": "1"}})
    headers = signed_headers("msg_1", secret, body, datetime.now(timezone.utc))

    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace('"1"', '"2"'), headers)


def test_an_old_timestamp_is_refused_by_the_receiver():
    secret, body = new_secret(), "{}"
    headers = signed_headers("msg_1", secret, body, datetime.now(timezone.utc) - timedelta(minutes=10))

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_retries_back_off_exponentially_with_jitter_and_cover_at_least_the_window():
    window = timedelta(hours=24)
    shortest = backoff_for(window, rand=lambda: 1.0)  # the most jitter can take off
    longest = backoff_for(window, rand=lambda: 0.0)

    delays = [shortest(n) for n in range(1, 6)]
    assert [d.total_seconds() for d in delays] == [4.0, 8.0, 16.0, 32.0, 64.0]
    assert longest(1).total_seconds() == nominal_delay(1) == 5.0
    limit = attempts_within(window)
    waited = sum(shortest(n).total_seconds() for n in range(1, limit + 1))
    assert waited >= window.total_seconds()
    assert shortest(limit + 1) is None and longest(limit + 1) is None
    assert max(longest(n) for n in range(1, limit + 1)) == timedelta(hours=2)


def test_jitter_spreads_retries_of_deliveries_failing_together():
    backoff = backoff_for(timedelta(hours=24))
    assert len({backoff(6).total_seconds() for _ in range(20)}) > 1
