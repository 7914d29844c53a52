from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from dropin_auth.adapters.tables import metadata
from dropin_common.testing import schema_differences, throwaway_database

from .conftest import alembic_config


def test_migrations_upgrade_and_downgrade_cleanly():
    with throwaway_database("auth_it_migrations") as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        engine = sa.create_engine(url)
        try:
            tables = set(sa.inspect(engine).get_table_names())
            assert {"accounts", "organizations", "login_failures", "outbox", "inbox",
                    "revoked_tokens", "token_cutoffs"} <= tables
            command.downgrade(config, "base")
            assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
        finally:
            engine.dispose()


def test_the_migrated_schema_matches_the_table_definitions(container):
    assert schema_differences(container.engine, metadata) == []
