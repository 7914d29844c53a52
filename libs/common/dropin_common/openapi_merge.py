"""One OpenAPI document for client teams: every service's `/openapi.json`, merged.

    python -m dropin_common.openapi_merge [--host 0.0.0.0] [--port 8000] [--every 60] \\
        auth=http://auth-web:8000/openapi.json chat=http://chat-web:8000/openapi.json ...

A small process beside the gateway, which proxies `/openapi.json` to it (each service's own stays
at `/openapi/<service>.json`). It answers 503 until every service has answered once, so the
document is never a partial API, then the last good merge, fetched again every `--every` seconds
(a redeployed service's changes reach it). `/healthz` is its liveness, `/readyz` its readiness.
Services own disjoint paths; a component two services name alike but define differently is
renamed `<Service><Name>` in the merged document (identical ones are kept once).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("dropin.openapi_merge")

TITLE = "Dropin Auto API"
NOT_READY = b'{"error":{"code":"not_ready","message":"Not every service has answered yet."}}'


def merge(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`documents` by service name, in the order they should appear."""
    merged: dict[str, Any] = {
        "openapi": next(iter(documents.values()))["openapi"],
        "info": {"title": TITLE, "version": ", ".join(f"{name} {doc['info']['version']}"
                                                       for name, doc in documents.items()),
                 "description": "Every Dropin Auto service's API, as served by the gateway."},
        "security": [{"apikey": []}], "tags": [], "paths": {}, "components": {}}
    for name, document in documents.items():
        document = _renamed_clashes(name, document, merged["components"])
        for path, item in document.get("paths", {}).items():
            if path in merged["paths"]:
                raise ValueError(f"{path} is served by two services (the second is {name})")
            merged["paths"][path] = item
        for section, components in document.get("components", {}).items():
            merged["components"].setdefault(section, {}).update(components)
        known = {tag["name"] for tag in merged["tags"]}
        merged["tags"] += [tag for tag in document.get("tags", []) if tag["name"] not in known]
    return merged


def _renamed_clashes(service: str, document: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """Renaming one component changes those that refer to it, which may then clash in turn: rename
    until nothing clashes."""
    while True:
        renames = {}
        for section, components in document.get("components", {}).items():
            for key, value in components.items():
                existing = merged.get(section, {}).get(key)
                if existing is not None and existing != value:
                    renames[f"#/components/{section}/{key}"] = f"#/components/{section}/{service.capitalize()}{key}"
        if not renames:
            return document
        text = json.dumps(document)
        for old, new in renames.items():
            text = text.replace(json.dumps(old), json.dumps(new))
        document = json.loads(text)
        for old, new in renames.items():
            section, key = old.rsplit("/", 2)[-2:]
            document["components"][section][new.rsplit("/", 1)[-1]] = document["components"][section].pop(key)


def fetch(url: str, timeout: float = 5.0) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - operator-given URLs
        return json.load(response)


class MergedDocument:
    """The last good merge, as JSON bytes; None until every service has answered once."""

    def __init__(self, targets: dict[str, str]):
        self.targets = targets
        self.body: bytes | None = None

    def refresh(self) -> None:
        try:
            self.body = json.dumps(merge({name: fetch(url) for name, url in self.targets.items()})).encode()
        except (OSError, ValueError, KeyError) as exc:  # a service not up yet: keep the last good one
            log.warning("openapi-merge: kept the last document: %s", exc)

    def keep_fresh(self, every: float, first_tries_every: float = 1.0) -> None:
        while True:
            self.refresh()
            time.sleep(every if self.body is not None else first_tries_every)


def handler(document: MergedDocument) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path == "/healthz":
                return self._answer(200, b'{"status":"ok","service":"openapi-merge"}')
            if self.path in ("/openapi.json", "/readyz"):
                if document.body is None:
                    return self._answer(503, NOT_READY)
                return self._answer(200, document.body if self.path == "/openapi.json" else b'{"status":"ready"}')
            return self._answer(404, b'{"error":{"code":"not_found","message":"No such endpoint."}}')

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # the gateway logs every request already
            pass
    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("BIND_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--every", type=float, default=60, help="fetch the documents again every this many seconds")
    parser.add_argument("targets", nargs="+", metavar="service=url")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    document = MergedDocument(dict(target.split("=", 1) for target in args.targets))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a clean stop
    threading.Thread(target=document.keep_fresh, args=(args.every,), daemon=True).start()
    ThreadingHTTPServer((args.host, args.port), handler(document)).serve_forever()


if __name__ == "__main__":
    main()
