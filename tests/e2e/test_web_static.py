"""The gateway serves the web app's files without an apikey, and nothing else changes: the API
still needs the key, unknown paths are still JSON 404s."""
from __future__ import annotations

import re
import sys

import pytest
import requests

from .conftest import API_KEY, PUSHER, ROOT


def get(stack, path: str, **headers) -> requests.Response:
    return requests.get(stack.gateway_url + path, headers=headers, timeout=10, allow_redirects=False)


def test_the_app_and_its_pages_are_served_without_an_apikey(stack):
    for path in ("/", "/admin", "/admin/calls", "/console", "/demo/sunrise"):
        response = get(stack, path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].startswith("text/html"), path
        assert '<div id="app">' in response.text
        assert response.headers["Cache-Control"] == "no-cache"  # a new build is picked up at once


def test_assets_are_served_compressed_and_cached_for_good(stack):
    page = get(stack, "/").text
    script = re.search(r'src="(/assets/[^"]+\.js)"', page).group(1)
    response = get(stack, script, **{"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert response.headers["X-Request-Id"]  # the server-level headers still apply


def test_config_tells_the_app_its_apikey_and_the_pusher_socket(stack):
    config = get(stack, "/config.json").json()
    assert config["apiKey"] == API_KEY
    assert config["pusher"] == {"key": PUSHER["key"], "cluster": "mt1", "wsHost": "127.0.0.1",
                                "wsPort": stack.pusher.ws_port, "forceTLS": False}


def test_the_api_still_needs_the_apikey_and_unknown_paths_stay_json(stack):
    assert get(stack, "/dashboard/getcalls").status_code == 401
    assert get(stack, "/assets/no-such-file.js").json()["error"]["code"] == "not_found"
    response = get(stack, "/admin/calls/extra", apikey=API_KEY)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert get(stack, "/no/such/thing").status_code == 401


def test_the_web_apikey_must_be_one_the_gateway_accepts(monkeypatch):
    """It is public (every browser reads /config.json): the stack refuses to hand out any other."""
    sys.path.insert(0, str(ROOT / "tools"))
    import stack as local_stack

    monkeypatch.setenv("API_KEYS", "first-key, second-key")
    monkeypatch.delenv("WEB_API_KEY", raising=False)
    assert local_stack.web_api_key() == "first-key"
    monkeypatch.setenv("WEB_API_KEY", "second-key")
    assert local_stack.web_api_key() == "second-key"
    monkeypatch.setenv("WEB_API_KEY", "an-unknown-key")
    with pytest.raises(SystemExit, match="WEB_API_KEY must be one of API_KEYS"):
        local_stack.web_api_key()
