"""JSON log lines for every process, carrying the request id and the correlation id.

The correlation id starts as the gateway's request id of the HTTP request that caused a change; it
travels in the event envelope (`correlationId`) to every relay and consumer that handles the event,
and on to the events those consumers publish, so one id finds a stream's whole path across
services. Both ids live in context variables: per request thread in web workers, per message in
consumers, per row in relays.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
from datetime import datetime, timezone

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
correlation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)

# Attributes every LogRecord has; anything else was passed with `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def current_correlation_id() -> str | None:
    return correlation_id_var.get()


def bind_request(request_id: str | None, correlation_id: str | None = None) -> None:
    """For the rest of this request (thread) or message: these ids on every log line."""
    request_id_var.set(request_id)
    correlation_id_var.set(correlation_id or request_id)


@contextlib.contextmanager
def correlated(correlation_id: str | None):
    """Log lines (and events published) inside the block carry `correlation_id`."""
    token = correlation_id_var.set(correlation_id)
    try:
        yield
    finally:
        correlation_id_var.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context ids, `extra` fields.
    A message that is itself a JSON object (the access log's) is merged in, not nested."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                      "level": record.levelname, "logger": record.name}
        message = record.getMessage()
        merged = False
        if message.startswith("{"):
            try:
                parsed = json.loads(message)
                if isinstance(parsed, dict):
                    line.update(parsed)
                    merged = True
            except ValueError:
                pass
        if not merged:
            line["message"] = message
        for key, value in (("requestId", request_id_var.get()), ("correlationId", correlation_id_var.get())):
            if value and key not in line:
                line[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line.setdefault(key, value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, separators=(",", ":"))


def log_file() -> str | None:
    """`LOG_FILE`: a file this process appends its lines to instead of stderr. The local stack sets
    it; through the supervisor's pipe every line cost a second process CPU (about 2 ms of a stream
    request's lines). Containers leave it unset and log to stderr. Rotation is the file's owner's
    (the handler reopens a file moved away)."""
    return os.environ.get("LOG_FILE") or None


def plain_log_handler() -> logging.Handler:
    """Where lines that are already JSON (access and security lines) go: LOG_FILE, else stdout."""
    import logging.handlers
    import sys

    path = log_file()
    return logging.handlers.WatchedFileHandler(path) if path else logging.StreamHandler(sys.stdout)


def json_logging_config(level: str = "INFO") -> dict:
    """A `logging.config.dictConfig` (and gunicorn `logconfig_dict`) sending every logger's lines,
    as JSON, to stderr (or LOG_FILE)."""
    path = log_file()
    handler = ({"class": "logging.handlers.WatchedFileHandler", "formatter": "json", "filename": path} if path
               else {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "dropin_common.logs.JsonFormatter"}},
        "handlers": {"lines": handler},
        "root": {"level": level, "handlers": ["lines"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["lines"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["lines"], "propagate": False},
            # pika warns about every returned (unroutable) message; ConfirmingPublisher logs that itself.
            "pika": {"level": "WARNING"},
            "pika.adapters.blocking_connection": {"level": "ERROR"},
        },
    }
