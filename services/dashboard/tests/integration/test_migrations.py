"""The migrations build exactly the tables and columns the adapters use."""
from dropin_common.testing import schema_differences
from dropin_dashboard.adapters.tables import build_tables


def test_the_migrated_schema_matches_the_table_definitions(container):
    metadata, _tables = build_tables()
    # The read models' search indexes (trigram, covering, partial) are declared in the migrations
    # only: queries are correct without them, so the table definitions leave them out.
    differences = [d for d in schema_differences(container.engine, metadata)
                   if not (isinstance(d, tuple) and d[0] == "remove_index")]
    assert differences == []
