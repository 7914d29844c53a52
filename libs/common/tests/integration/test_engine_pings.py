"""make_engine pings a pooled connection only when it has been idle a while: one whose backend died
while it sat in the pool is replaced before anyone uses it, one in use a moment ago is handed out
as it is (a death in between is what the read retry and a write's 503 meet)."""
import time

import pytest
import sqlalchemy as sa

from dropin_common.db import PING_AFTER_IDLE_SECONDS, database_fault, make_engine

pytestmark = pytest.mark.integration
BACKEND_PID = sa.text("SELECT pg_backend_pid()")


@pytest.fixture()
def pool_of_one(database_url):
    engine = make_engine(database_url, pool_size=1)
    yield engine
    engine.dispose()


def terminate(engine, pid):
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar() is True


def test_a_connection_whose_backend_died_while_idle_is_replaced_before_use(pool_of_one, engine):
    with pool_of_one.connect() as conn:
        first = conn.execute(BACKEND_PID).scalar()
    terminate(engine, first)
    time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
    with pool_of_one.connect() as conn:
        second = conn.execute(BACKEND_PID).scalar()
    assert second != first


def test_a_connection_used_a_moment_ago_is_not_pinged(pool_of_one, engine):
    with pool_of_one.connect() as conn:
        first = conn.execute(BACKEND_PID).scalar()
    terminate(engine, first)
    # No ping: the first statement meets the dead backend, a transient fault (what the read retry
    # and the 503 are for), and the pool then replaces its connections.
    with pytest.raises(sa.exc.OperationalError) as lost, pool_of_one.connect() as conn:
        conn.execute(BACKEND_PID)
    assert database_fault(lost.value) == "transient"
    with pool_of_one.connect() as conn:
        assert conn.execute(BACKEND_PID).scalar() != first
