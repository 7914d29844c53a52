"""The Flask edge every service shares: JSON errors for everything, one structured log line per
request with the gateway's request id (and a security line for each refusal), security headers,
the caller's address as trusted proxies tell it, `/healthz`, `/readyz`, and JWT helpers for views."""
from __future__ import annotations

import functools
import ipaddress
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .auth import Principal, TokenVerifier, require_role, token_from_header
from .db import database_fault
from .errors import AppError, BadRequest, Unauthorized, http_status
from .input_guard import StrictJSONProvider, refuse_unstorable_text
from .kernel import TryLater
from .logs import bind_request
from .metrics import HTTP_LATENCY, HTTP_REQUESTS, exposition
from .api import create_api, service_document

log = logging.getLogger("dropin.http")
access_log = logging.getLogger("dropin.access")
security_log = logging.getLogger("dropin.security")
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")  # the gateway runs beside the services
# Every answer carries tokens or personal data, or is an error about them: none is cached, sniffed,
# framed or leaks its URL as a referrer. The gateway sets the same on its own answers.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}
HSTS = "max-age=31536000; includeSubDomains"
# Which refusals are security events, by status; the error code says what happened.
SECURITY_STATUSES = {401: "unauthorized", 403: "forbidden", 429: "rate_limited"}

ReadinessCheck = Callable[[], None]
UNMEASURED_PATHS = ("/healthz", "/readyz", "/metrics")  # probes and scrapes are not traffic
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "body_too_large",
              415: "unsupported_media_type", 429: "rate_limited", 500: "internal_error"}


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    body = {"error": {"code": code, "message": message, **extra}}
    response = jsonify(body)
    response.status_code = status
    return response


IDEMPOTENT_METHODS = ("GET", "HEAD")
DATABASE_RETRY_AFTER_SECONDS = 1


class ServiceFlask(Flask):
    """Flask, but a read whose database connection was lost mid-request (the server restarted, the
    backend was terminated, a failover) is run once more on a fresh connection before anyone sees
    an error: it changes nothing, so running it twice is safe."""

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except Exception as exc:
            if request.method not in IDEMPOTENT_METHODS or database_fault(exc) != "transient":
                raise
            log.warning("database connection lost during %s %s; retrying once: %s", request.method,
                        request.path, str(exc).splitlines()[0] if str(exc) else repr(exc))
            return super().dispatch_request()


def create_service_app(name: str, *, max_body_bytes: int, readiness_checks: dict[str, ReadinessCheck],
                       verifier: TokenVerifier | None = None,
                       readiness_detail: Callable[[], dict[str, Any]] | None = None,
                       trusted_proxies: tuple[str, ...] = DEFAULT_TRUSTED_PROXIES) -> Flask:
    """`readiness_detail` adds facts to a ready `/readyz` answer (e.g. a consumer's lag)."""
    app = ServiceFlask(name)
    app.extensions["dropin.trusted_proxies"] = _networks(trusted_proxies)
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.json = StrictJSONProvider(app)
    app.json.sort_keys = False  # fields in the order the contract lists them
    app.extensions["dropin.verifier"] = verifier
    app.url_map.strict_slashes = False  # `/streams/<id>/` is the same resource as `/streams/<id>`
    app.url_map.merge_slashes = False  # `//` is a 404, not an HTML redirect
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # OPTIONS is a JSON 405; nginx answers CORS preflights
    _register_error_handlers(app)
    _register_request_logging(app, name)
    create_api(app, name)
    app.before_request(refuse_unstorable_text)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": name}

    @app.get("/readyz")
    def readyz():
        failures = {}
        for check_name, check in readiness_checks.items():
            try:
                check()
            except Exception as exc:  # noqa: BLE001 - report any dependency failure
                failures[check_name] = str(exc)[:200]
        if failures:
            return error_response(503, "not_ready", "Dependencies unavailable.", checks=failures)
        answer = {"status": "ready", "service": name, "checks": sorted(readiness_checks)}
        if readiness_detail is not None:
            answer["detail"] = readiness_detail()
        return answer

    @app.get("/metrics")
    def metrics():
        # Operators only: the gateway serves it on its operator listener, never on the public one.
        body, content_type = exposition()
        return Response(body, content_type=content_type)

    @app.get("/openapi.json")
    def openapi():
        # Built on first use, once every blueprint is registered; the gateway serves it as
        # /openapi/<service>.json.
        if "dropin.openapi" not in app.extensions:
            app.extensions["dropin.openapi"] = service_document(app)
        return app.extensions["dropin.openapi"]

    return app


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def app_error(exc: AppError):
        response = jsonify(exc.to_dict())
        response.status_code = http_status(exc)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'JWT realm="dropin"'
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            message = f"The body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes."
        if status == 400 and "JSON" in (message or ""):
            return error_response(400, "invalid_json", "The body is not valid JSON.")
        response = error_response(status, HTTP_CODES.get(status, "http_error"), message)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(set(exc.valid_methods) - {"OPTIONS"}))
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if database_fault(exc) == "transient":
            # Not the request's fault, and it may well work a second later: say so (a 500 would
            # tell the client not to retry).
            log.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
            return app_error(TryLater("The database is unavailable for a moment; try again.",
                                         code="database_unavailable", retry_after=DATABASE_RETRY_AFTER_SECONDS))
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")


def _register_request_logging(app: Flask, service: str) -> None:
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        bind_request(g.request_id)  # on every log line, and on the events this request publishes

    @app.teardown_request
    def unbind_request(_exc):
        bind_request(None)  # nothing after the request (same thread) carries its ids

    @app.after_request
    def log_request(response: Response):
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        response.headers["X-Request-Id"] = g.get("request_id", "")
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if client_is_secure():
            response.headers["Strict-Transport-Security"] = HSTS
        if request.path not in UNMEASURED_PATHS:
            # The route's rule (`/streams/<stream_id>`), not the path: one series per endpoint.
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
            HTTP_LATENCY.labels(service, request.method, route).observe(elapsed_ms / 1000)
        if request.path not in ("/healthz", "/readyz"):
            line = {"service": service, "requestId": g.get("request_id"), "method": request.method,
                    "path": request.path, "status": response.status_code, "ms": round(elapsed_ms, 2),
                    "account": getattr(g.get("principal"), "account_id", None)}
            access_log.info(json.dumps(line))
            if response.status_code in SECURITY_STATUSES:
                _log_security_event(line, response)
        return response


def _log_security_event(line: dict[str, Any], response: Response) -> None:
    """A refusal on its own line, with what it was (the error code: invalid_credentials for a
    failed login, token_revoked for a revoked token's use, ...) and who tried, so an operator can
    alert on them without parsing every access line."""
    body = response.get_json(silent=True) if response.is_json else None
    code = (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None
    security_log.warning(json.dumps({
        "securityEvent": SECURITY_STATUSES[response.status_code], "code": code,
        "service": line["service"], "requestId": line["requestId"], "method": line["method"],
        "path": line["path"], "status": line["status"], "client": client_address(),
        "account": line["account"]}))


def _networks(addresses: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(address.strip(), strict=False) for address in addresses if address.strip())
    except ValueError as exc:
        raise RuntimeError(f"TRUSTED_PROXIES: {exc}") from exc


def _peer_is_trusted_proxy() -> bool:
    peer = request.remote_addr
    if not peer:
        return False
    return _is_in(peer, current_app.extensions.get("dropin.trusted_proxies", ()))


@functools.lru_cache(maxsize=256)
def _is_in(peer: str, networks: tuple) -> bool:
    # Asked at least once per request, nearly always for the gateway's one address.
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address() -> str | None:
    """The caller's address. X-Real-IP (else the first X-Forwarded-For) only when the request
    comes from a trusted proxy (TRUSTED_PROXIES, the gateway's address by default); anyone else
    could write any address there, so then it is the peer's own."""
    if _peer_is_trusted_proxy():
        real_ip = request.headers.get("X-Real-IP", "").strip()
        if real_ip:
            return real_ip
        first = request.headers.get("X-Forwarded-For", "").split(",", 1)[0].strip()
        if first:
            return first
    return request.remote_addr


def client_is_secure() -> bool:
    """Served over TLS: directly, or as a trusted proxy says with X-Forwarded-Proto."""
    if request.is_secure:
        return True
    return _peer_is_trusted_proxy() and request.headers.get("X-Forwarded-Proto", "").strip().lower() == "https"


def json_body() -> dict[str, Any]:
    """The request body as a JSON object (form-encoded bodies are accepted too); 400 otherwise."""
    if request.mimetype == "application/x-www-form-urlencoded" or request.mimetype == "multipart/form-data":
        return request.form.to_dict()
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise BadRequest("The body is not valid JSON.", code="invalid_json")
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="invalid_body")
    return data


def optional_principal() -> Principal | None:
    token = token_from_header(request.headers.get("Authorization"))
    if token is None:
        return None
    verifier: TokenVerifier | None = current_app.extensions.get("dropin.verifier")
    if verifier is None:
        raise Unauthorized("This service cannot verify tokens.", code="no_verifier")
    g.principal = verifier.verify(token)
    return g.principal


def current_principal() -> Principal:
    principal = optional_principal()
    if principal is None:
        raise Unauthorized("Authentication required: send 'Authorization: JWT <token>'.",
                           code="authentication_required")
    return principal


def authenticated(*roles: str):
    """View decorator: a valid, unrevoked JWT (and one of `roles`, if given); sets `g.principal`."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require_role(current_principal(), *roles)
            return view(*args, **kwargs)
        return wrapper
    return decorator
