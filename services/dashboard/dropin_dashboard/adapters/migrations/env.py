"""Alembic environment of the dashboard service (URL: `-x url=...`, else DATABASE_URL)."""
from dropin_common.migrations import run_env

run_env("dashboard")
