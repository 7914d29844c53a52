"""Where the integrations service's Alembic migrations live (tests migrate from code with
`dropin_common.migrations.upgrade_to_head`; the command line is `alembic -c alembic.ini upgrade head`)."""
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
