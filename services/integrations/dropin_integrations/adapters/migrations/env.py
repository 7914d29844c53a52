"""Alembic environment of the integrations service (URL: `-x url=...`, else DATABASE_URL)."""
from dropin_common.migrations import run_env

run_env("integrations")
