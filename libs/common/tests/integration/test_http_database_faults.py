"""A database connection lost in the middle of a request (here: its backend terminated with
pg_terminate_backend, as a failover or an operator would) is a retryable 503, and a read is
retried once on a fresh connection before anyone sees an error."""
import threading

import pytest
import sqlalchemy as sa

from dropin_common.http import create_service_app
from dropin_common.testing import wait_until

pytestmark = pytest.mark.integration
MARK = "http_fault_probe"


def slow_app(engine):
    app = create_service_app("probe", max_body_bytes=1024, readiness_checks={})
    calls = {"n": 0}

    def slow_query():
        calls["n"] += 1
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT pg_sleep(1.5), '{MARK}'")).first()[1]

    app.add_url_rule("/slow", "slow_read", lambda: {"value": slow_query()}, methods=["GET"])
    app.add_url_rule("/slow", "slow_write", lambda: {"value": slow_query()}, methods=["POST"])
    return app, calls


def terminate_the_probe_backend_once(engine):
    def probe_backends():
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE :mark AND pid <> pg_backend_pid()"
                " AND state = 'active'"), {"mark": f"%pg_sleep(1.5), '{MARK}'%"}).scalars().all()

    def terminate():
        pids = wait_until(probe_backends, timeout=10, message="the request's query running")
        with engine.connect() as conn:
            for pid in pids:
                conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    thread = threading.Thread(target=terminate, daemon=True)
    thread.start()
    return thread


def test_a_write_whose_connection_is_terminated_gets_a_retryable_503_json(engine):
    app, calls = slow_app(engine)
    killer = terminate_the_probe_backend_once(engine)
    response = app.test_client().post("/slow")
    killer.join(10)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert calls["n"] == 1  # a write is never run twice behind the client's back


def test_a_read_whose_connection_is_terminated_is_retried_once_and_succeeds(engine):
    app, calls = slow_app(engine)
    killer = terminate_the_probe_backend_once(engine)
    response = app.test_client().get("/slow")
    killer.join(10)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"value": MARK}
    assert calls["n"] == 2
