"""JSON log lines with the context's ids, the correlation id in event envelopes, and the background
processes' metrics/health endpoint."""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from dropin_common import metrics
from dropin_common.events import Event
from dropin_common.logs import JsonFormatter, bind_request, correlated, current_correlation_id


def format_line(message, *args, **extra) -> dict:
    record = logging.LogRecord("dropin.test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(JsonFormatter().format(record))


def test_a_log_line_is_json_with_the_request_and_correlation_ids():
    bind_request("req-1")
    line = format_line("applied %s", "stream.requested", queue="streams")
    assert line["message"] == "applied stream.requested"
    assert line["requestId"] == "req-1" and line["correlationId"] == "req-1"
    assert line["queue"] == "streams" and line["level"] == "INFO" and line["logger"] == "dropin.test"
    bind_request(None)


def test_an_access_line_that_is_a_json_object_is_merged_not_nested():
    line = format_line(json.dumps({"path": "/ping", "status": 200}))
    assert line["path"] == "/ping" and line["status"] == 200 and "message" not in line


def test_correlated_sets_the_id_for_the_block_only():
    with correlated("corr-9"):
        assert current_correlation_id() == "corr-9"
        assert format_line("x")["correlationId"] == "corr-9"
    assert current_correlation_id() is None


def test_the_correlation_id_travels_in_the_envelope_and_back():
    event = Event("stream.requested", {"stream": {}}, correlation_id="corr-1")
    envelope = event.to_envelope()
    assert envelope["correlationId"] == "corr-1"
    assert Event.from_envelope(envelope).correlation_id == "corr-1"
    # Envelopes without one (older producers) still parse; none is written when there is none.
    assert "correlationId" not in Event("stream.requested", {}).to_envelope()
    assert Event.from_envelope(Event("x", {}).to_envelope()).correlation_id is None


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_background_process_serves_metrics_and_health_on_its_own_port():
    metrics.CONSUMER_MESSAGES.labels("unit-queue", "handled").inc()
    metrics.event_applied("unit-queue", 1700000000.0)
    server = metrics.serve_background(0)
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        metrics.heartbeat()
        metrics.set_ready(False)
        assert get(base + "/healthz")[0] == 200
        assert get(base + "/readyz")[0] == 503  # alive, not connected yet
        metrics.set_ready(True)
        assert get(base + "/readyz")[0] == 200
        status, body = get(base + "/metrics")
        assert status == 200
        assert 'dropin_consumer_messages_total{outcome="handled",queue="unit-queue"}' in body
        assert get(base + "/nothing")[0] == 404
    finally:
        server.shutdown()
        metrics.set_ready(False)


def test_a_collector_whose_dependency_is_down_yields_nothing_instead_of_failing_the_scrape():
    def broken():
        raise ConnectionError("database down")
        yield  # pragma: no cover

    assert list(metrics.CallbackCollector(broken).collect()) == []
    families = list(metrics.CallbackCollector(
        lambda: [("dropin_test_rows", "Rows.", ["destination"], [(["pusher"], 3)])]).collect())
    assert families[0].samples[0].value == 3 and families[0].samples[0].labels == {"destination": "pusher"}
