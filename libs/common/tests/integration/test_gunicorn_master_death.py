"""A gunicorn master killed outright takes its workers with it, so a restarted master binds its
port at once. Real gunicorn processes with the shared settings, `kill -9` of the master."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from dropin_common.testing import wait_until

pytestmark = pytest.mark.integration
APPS = Path(__file__).parent / "apps"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_master(tmp_path, port) -> subprocess.Popen:
    config = tmp_path / "gunicorn.conf.py"
    config.write_text("from dropin_common.gunicorn_defaults import *  # noqa\n"
                      f"bind = '127.0.0.1:{port}'\nworkers = 2\n")
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(config), "--chdir", str(APPS),
                             "slow_wsgi:app"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def answers(port) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/ok", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def children(pid) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, waiting to be reaped


def test_workers_die_with_a_killed_master_and_a_new_master_binds_the_port_at_once(tmp_path):
    port = free_port()
    master = start_master(tmp_path, port)
    restarted = None
    try:
        wait_until(lambda: answers(port), timeout=30, message="gunicorn up")
        wait_until(lambda: len(children(master.pid)) == 2, message="two workers")
        workers = children(master.pid)
        # A request in flight: without care, a worker finishes it (graceful_timeout, 10 s) before
        # closing the listening socket.
        threading.Thread(target=lambda: answers_slowly(port), daemon=True).start()
        time.sleep(1)  # let the slow request reach a worker (nothing to observe from outside)

        master.send_signal(signal.SIGKILL)
        master.wait(5)
        wait_until(lambda: not any(alive(pid) for pid in workers), timeout=5,
                   message="the workers to die with their master (not after their graceful timeout)")

        restarted = start_master(tmp_path, port)
        wait_until(lambda: answers(port), timeout=30, message="the restarted master to serve")
    finally:
        for process in (master, restarted):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(15)


def answers_slowly(port):
    try:
        requests.get(f"http://127.0.0.1:{port}/slow", timeout=40)
    except requests.RequestException:
        pass
