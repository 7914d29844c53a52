"""Alembic plumbing every service shares: its `env.py` and migrating from code (tests, benches).

The command line equivalent is `alembic -c alembic.ini upgrade head` in the service's folder.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool

from .config import database_url_for


def run_env(service: str) -> None:
    """The body of a service's migrations/env.py. URL: `-x url=...`, the config's sqlalchemy.url,
    else the service's settings (DATABASE_URL ...)."""
    from alembic import context

    url = (context.get_x_argument(as_dictionary=True).get("url")
           or context.config.get_main_option("sqlalchemy.url") or database_url_for(service))
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def upgrade_to_head(migrations_dir: Path, database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url)
    command.upgrade(config, "head")
