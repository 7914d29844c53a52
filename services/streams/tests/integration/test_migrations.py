"""The migrations build exactly the tables the adapters use."""
from __future__ import annotations

import sqlalchemy as sa

from dropin_common.testing import schema_differences
from dropin_streams.adapters.tables import build_tables


def test_the_migrated_schema_matches_the_table_definitions(container):
    metadata, _tables = build_tables()
    assert schema_differences(container.engine, metadata) == []


def test_every_table_exists(container):
    _metadata, tables = build_tables()
    assert set(tables) <= set(sa.inspect(container.engine).get_table_names())
