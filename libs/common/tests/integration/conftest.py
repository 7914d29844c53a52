import pytest
import sqlalchemy as sa

from dropin_common.db import make_engine, messaging_tables
from dropin_common.testing import throwaway_database, throwaway_vhost

EXCHANGE = "dropin.events"


@pytest.fixture(scope="session")
def database_url():
    with throwaway_database("common_it") as url:
        yield url


@pytest.fixture(scope="session")
def schema():
    metadata = sa.MetaData()
    tables = messaging_tables(metadata)
    tables["effects"] = sa.Table("effects", metadata, sa.Column("id", sa.Integer, primary_key=True),
                                 sa.Column("event_id", sa.String(64), nullable=False))
    return metadata, tables


@pytest.fixture(scope="session")
def engine(database_url, schema):
    engine = make_engine(database_url)
    schema[0].create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def tables(schema):
    return schema[1]


@pytest.fixture(autouse=True)
def clean_tables(engine, tables):
    with engine.begin() as conn:
        for table in tables.values():
            conn.execute(table.delete())


@pytest.fixture()
def amqp_url():
    with throwaway_vhost("common") as url:
        yield url
