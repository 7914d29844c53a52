"""Gunicorn settings shared by every service; each service's gunicorn.conf.py imports them and sets
`bind`. Connections are opened per worker, after the fork (no preload)."""
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 30
accesslog = None  # the app logs one structured line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
preload_app = False
# nginx in front refuses longer request lines with a JSON 414; gunicorn's own limit (4094 by
# default) would answer the ones in between with an HTML page.
limit_request_line = 8190
# Gunicorn 27 opens a control socket at one fixed path per user; several masters (services,
# profiles) on one machine would fight over it, and nothing here uses it.
control_socket_disable = True


def bind_address(default_port: int) -> str:
    return f"127.0.0.1:{os.environ.get('PORT', default_port)}"


# The app's own structured lines (`dropin.access`: one per request; `dropin.security`: one per
# refusal) go to stdout as they are, one JSON object a line; gunicorn's and everything else's to
# stderr. Without this, Python drops INFO lines and the access log never reaches a file.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False,
                            "qualname": "gunicorn.access"},
        "dropin.access": {"level": "INFO", "handlers": ["json_lines"], "propagate": False},
        "dropin.security": {"level": "INFO", "handlers": ["json_lines"], "propagate": False},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stderr"},
        "json_lines": {"class": "logging.StreamHandler", "formatter": "message", "stream": "ext://sys.stdout"},
    },
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s %(message)s",
                    "datefmt": "[%Y-%m-%d %H:%M:%S %z]", "class": "logging.Formatter"},
        "message": {"format": "%(message)s", "class": "logging.Formatter"},
    },
}
