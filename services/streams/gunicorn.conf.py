"""Gunicorn settings for the streams service. Connections are opened per worker, after the fork."""
import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8102')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 30
accesslog = None  # the app logs one structured line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# No preload: the app (and its engine) is created in each worker after the fork.
preload_app = False
# Gunicorn 27 opens a control socket at one fixed path per user; several masters (services,
# profiles) on one machine would fight over it, and nothing here uses it.
control_socket_disable = True
