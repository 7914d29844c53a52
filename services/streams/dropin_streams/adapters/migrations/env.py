"""Alembic environment: the URL comes from the service's settings (or `-x url=...` in tests)."""
from alembic import context
from sqlalchemy import create_engine, pool

from dropin_common.config import database_url_for

config = context.config
url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url") \
    or database_url_for("streams")


def run_migrations() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
