"""Prometheus metrics of every process, in one place so the code that counts stays one line.

Web processes serve them on `/metrics` (gunicorn workers share them through prometheus_client's
multiprocess mode: `PROMETHEUS_MULTIPROC_DIR`, set up in gunicorn_defaults). Background processes
(consumers, relays, the streams worker) serve them on `METRICS_PORT` with `serve_background`, which
also answers `/healthz` (the process's loop is turning) and `/readyz` (and it is connected: a
consumer consumes). Gauges that describe the database or the broker (outbox backlog, dead-letter
queue depth) are read when scraped, by collectors the relay and the consumer register.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

# --- HTTP (web processes) -------------------------------------------------------------------------
HTTP_REQUESTS = Counter("dropin_http_requests_total", "HTTP requests answered, by route and status.",
                        ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("dropin_http_request_duration_seconds", "Time to answer an HTTP request.",
                         ["service", "method", "route"],
                         buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))

# --- outbox relays ----------------------------------------------------------------------------------
# outcome: sent | retry (this row failed, retried later) | unavailable (the destination is down) |
# given_up (refused for good, set aside). For pusher and email these are the delivery outcomes.
OUTBOX_DELIVERIES = Counter("dropin_outbox_deliveries_total", "Outbox rows handed to their destination.",
                            ["destination", "outcome"])

# --- consumers ------------------------------------------------------------------------------------
# outcome (consumer.py's): handled | duplicate (handled before) | ignored (no handler) | retried |
# requeued (our database was down) | dead_lettered
CONSUMER_MESSAGES = Counter("dropin_consumer_messages_total", "Messages a consumer took off its queue.",
                            ["queue", "outcome"])
_last_applied: dict[str, float] = {}

# --- business funnel (streams) ---------------------------------------------------------------------
# outcome: requested, accepted, missed, expired
STREAMS = Counter("dropin_streams_total", "Streams by what happened to them.", ["outcome"])
TIME_TO_ANSWER = Histogram("dropin_stream_time_to_answer_seconds",
                           "From a shopper's request to a dealer's accept.",
                           buckets=(1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120))

# --- liveness of background loops -------------------------------------------------------------------
HEALTH_STALE_SECONDS = 60.0
_state = {"beat": time.monotonic(), "ready": False}


def heartbeat() -> None:
    """Called by a background process's loop each turn; /healthz fails once it stops."""
    _state["beat"] = time.monotonic()


def set_ready(ready: bool) -> None:
    _state["ready"] = ready


def event_applied(queue: str, occurred_at_epoch: float) -> None:
    _last_applied[queue] = max(occurred_at_epoch, _last_applied.get(queue, 0.0))


def alive() -> bool:
    return time.monotonic() - _state["beat"] < HEALTH_STALE_SECONDS


class LastAppliedCollector:
    """`dropin_consumer_last_applied_event_timestamp_seconds`: when the newest event a consumer
    applied happened; `time() - it` is how far behind the consumer is."""

    def describe(self):
        return []  # nothing to check at registration (and nothing to collect yet)

    def collect(self):
        family = GaugeMetricFamily("dropin_consumer_last_applied_event_timestamp_seconds",
                                   "occurredAt of the newest event the consumer applied.", labels=["queue"])
        for queue, value in _last_applied.items():
            family.add_metric([queue], value)
        yield family


class CallbackCollector:
    """Gauges computed at scrape time by `read()`, which returns (name, help, labels, samples)
    tuples; a failure (database or broker down) yields no samples and is logged, never raised."""

    def __init__(self, read: Callable[[], Iterable[tuple[str, str, list[str], list[tuple[list[str], float]]]]]):
        self._read = read

    def describe(self):
        # Without it, registering would call collect(): a database or broker round trip at start.
        return []

    def collect(self):
        try:
            families = list(self._read())
        except Exception as exc:  # noqa: BLE001 - a scrape must answer even when a dependency is down
            log.warning("metrics collection failed: %s", exc)
            return
        for name, help_text, labels, samples in families:
            family = GaugeMetricFamily(name, help_text, labels=labels)
            for label_values, value in samples:
                family.add_metric(label_values, value)
            yield family


# --- exposition ---------------------------------------------------------------------------------------

def registry_for_scrape() -> CollectorRegistry:
    """The registry `/metrics` renders: every gunicorn worker's figures merged in multiprocess mode,
    else this process's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY
    from prometheus_client import multiprocess
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return registry


def exposition() -> tuple[bytes, str]:
    return generate_latest(registry_for_scrape()), CONTENT_TYPE_LATEST


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # scrapes and probes every few seconds: not worth a line
        pass


def _background_app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/healthz" or path == "/readyz":
        ok = alive() and (path == "/healthz" or _state["ready"])
        start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"status":"ok"}' if ok else b'{"status":"unavailable"}']
    if path == "/metrics":
        body, content_type = exposition()
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]
    start_response("404 Not Found", [("Content-Type", "application/json")])
    return [b'{"error":"not found"}']


def serve_background(port: int | None = None, *collectors) -> WSGIServer | None:
    """Serves /metrics, /healthz and /readyz on `port` (default `METRICS_PORT`; none: nothing is
    served) from a daemon thread, and registers `collectors` for the scrape."""
    for collector in collectors:
        REGISTRY.register(collector)
    if port is None:
        raw = os.environ.get("METRICS_PORT")
        if not raw:
            return None
        port = int(raw)
    host = os.environ.get("METRICS_HOST", "0.0.0.0")
    server = make_server(host, port, _background_app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("metrics on http://%s:%s/metrics", host, server.server_port)
    return server
