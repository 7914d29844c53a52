"""How make_engine's connections behave.

Pings: a pooled connection is pinged only when it has been idle a while. One whose backend died
while it sat in the pool is replaced before anyone uses it; one in use a moment ago is handed out as
it is (a death in between is what the read retry and a write's 503 meet).

Reads (reading_engine): no transaction around them (one round trip each), on the same pool as
writes, and a connection they used goes back to writers transactional again.
"""
import time

import pytest
import sqlalchemy as sa

from dropin_common.db import PING_AFTER_IDLE_SECONDS, SqlUnitOfWork, database_fault, make_engine, reading_engine

pytestmark = pytest.mark.integration
BACKEND_PID = sa.text("SELECT pg_backend_pid()")
STATE = sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid")


@pytest.fixture()
def pool_of_one(database_url):
    engine = make_engine(database_url, pool_size=1)
    yield engine
    engine.dispose()


def terminate(engine, pid):
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar() is True


def state_after_one_read(engine, observer) -> str:
    """The backend's state right after a statement, seen from another connection."""
    with engine.connect() as conn:
        pid = conn.execute(BACKEND_PID).scalar()
        with observer.connect() as other:
            return other.execute(STATE, {"pid": pid}).scalar()


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


def test_a_read_leaves_no_transaction_open(pool_of_one, engine):
    assert state_after_one_read(reading_engine(pool_of_one), engine) == "idle"
    assert state_after_one_read(pool_of_one, engine) == "idle in transaction"


def test_readers_share_the_pool_and_hand_back_transactional_connections(pool_of_one, engine):
    reading = reading_engine(pool_of_one)
    assert reading is reading_engine(pool_of_one)
    assert reading.pool is pool_of_one.pool
    state_after_one_read(reading, engine)
    assert state_after_one_read(pool_of_one, engine) == "idle in transaction"  # the same, only connection


def test_a_reading_unit_of_work_reads_but_refuses_to_commit(pool_of_one, tables):
    with SqlUnitOfWork(pool_of_one, tables["outbox"], reading=True) as uow:
        assert uow.connection.execute(sa.select(sa.func.count()).select_from(tables["outbox"])).scalar() == 0
        with pytest.raises(RuntimeError, match="reading unit of work"):
            uow.commit()


def test_an_engine_for_reports_plans_each_statement_for_its_parameters(database_url, pool_of_one):
    """Past psycopg's fifth run of a statement (a server-side prepare), PostgreSQL would otherwise be
    free to reuse one generic plan for every parameter."""
    reports = make_engine(database_url, pool_size=1, jit=False, custom_plans=True)
    try:
        with reports.connect() as conn:
            for _ in range(8):
                settings = conn.execute(sa.text("SELECT current_setting('plan_cache_mode'), current_setting('jit')"
                                                " WHERE 1 = :one"), {"one": 1}).one()
            assert tuple(settings) == ("force_custom_plan", "off")
    finally:
        reports.dispose()
    with pool_of_one.connect() as conn:  # other services' engines keep PostgreSQL's default
        assert conn.execute(sa.text("SELECT current_setting('plan_cache_mode')")).scalar_one() == "auto"
