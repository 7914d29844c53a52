"""Gunicorn settings shared by every service; each service's gunicorn.conf.py imports them and sets
`bind`. Connections are opened per worker, after the fork (no preload)."""
import os
import shutil
import tempfile

from dropin_common.logs import json_logging_config

# Metrics of every worker are merged at scrape time (prometheus_client's multiprocess mode). The
# directory must be known before any worker imports prometheus_client, i.e. here, in the master.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="dropin-metrics-")

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 30
accesslog = None  # the app logs one structured line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
logconfig_dict = json_logging_config(loglevel.upper())  # JSON lines on stderr, like every process
preload_app = False
# nginx in front refuses longer request lines with a JSON 414; gunicorn's own limit (4094 by
# default) would answer the ones in between with an HTML page.
limit_request_line = 8190
# Gunicorn 27 opens a control socket at one fixed path per user; several masters (services,
# profiles) on one machine would fight over it, and nothing here uses it.
control_socket_disable = True


def on_starting(server) -> None:
    """A restarted master starts its counters from zero: files of the previous run's workers go."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


def bind_address(default_port: int) -> str:
    """`BIND_HOST` (127.0.0.1 on a shared machine; 0.0.0.0 in a container) and `PORT`."""
    return f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', default_port)}"


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def post_fork(server, worker):
    """In each worker, right after the fork: die with the master. A worker whose master was killed
    would otherwise finish its graceful shutdown (up to `graceful_timeout`) still holding the
    listening socket, and the restarted master could not bind its port meanwhile."""
    die_with_parent(server.pid)


def die_with_parent(parent_pid: int) -> None:
    """Asks Linux to SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG). Elsewhere
    gunicorn's own check of the parent, once a second, is what remains."""
    import ctypes
    import ctypes.util
    import signal

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the master died before the request above took effect
        os._exit(1)


def post_worker_init(worker) -> None:
    """The app's own structured lines (`dropin.access`: one per request; `dropin.security`: one
    per refusal) go to stdout (or LOG_FILE) as they are, one JSON object a line. Without a handler Python drops
    INFO lines, and the access log never reached a file. (Not `logconfig_dict`: that would also
    switch on gunicorn's own access log, a second line per request.) Then the app, loaded by now,
    is moved out of the garbage collector's reach (`settle_garbage_collector`)."""
    import logging

    from dropin_common.logs import plain_log_handler
    from dropin_common.process import settle_garbage_collector

    handler = plain_log_handler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("dropin.access", "dropin.security"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False
    settle_garbage_collector()
