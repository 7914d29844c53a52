"""The migrations build exactly the tables the adapters use."""
from dropin_common.testing import schema_differences


def test_the_migrated_schema_matches_the_table_definitions(container):
    metadata = next(iter(container.tables.values())).metadata
    assert schema_differences(container.engine, metadata) == []
