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
