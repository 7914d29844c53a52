"""Migrating a chat database to the current schema from code (tests, benchmark); the command line
equivalent is `alembic -c alembic.ini upgrade head`."""
from __future__ import annotations

from pathlib import Path

from dropin_common import migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade_to_head(database_url: str) -> None:
    migrations.upgrade_to_head(MIGRATIONS, database_url)
