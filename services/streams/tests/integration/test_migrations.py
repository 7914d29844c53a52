"""The migrations build exactly the tables the adapters use."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dropin_streams.adapters.tables import build_tables


def test_the_migrated_schema_matches_the_table_definitions(container):
    metadata, _tables = build_tables()
    with container.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in differences if d[0] != "remove_table" or d[1].name != "alembic_version"] == []


def test_every_table_exists(container):
    _metadata, tables = build_tables()
    assert set(tables) <= set(sa.inspect(container.engine).get_table_names())
