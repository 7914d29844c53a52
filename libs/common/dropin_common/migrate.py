"""`python -m dropin_common.migrate`, run in a service's folder before its processes start: the
service's database schema (`alembic upgrade head`) and the whole broker topology (every queue, so
that no relay ever publishes an event before the queue that should receive it exists). Both steps
are idempotent: run it on every deploy.

    python -m dropin_common.migrate [--skip-database] [--skip-broker]
"""
from __future__ import annotations

import argparse
import logging

from alembic.config import main as alembic_main

from .config import configure_logging, env_bool, env_str
from .topology import declare_topology


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dropin_common.migrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-database", action="store_true", help="only declare the broker topology")
    parser.add_argument("--skip-broker", action="store_true", help="only migrate the database")
    args = parser.parse_args(argv)
    configure_logging()
    if not args.skip_database:
        alembic_main(argv=["-c", "alembic.ini", "upgrade", "head"])
    if not args.skip_broker:
        declare_topology(env_str("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"),
                         env_str("EVENT_EXCHANGE", "dropin.events"),
                         quorum=env_bool("RABBITMQ_QUORUM_QUEUES", False))
        logging.getLogger(__name__).info("broker topology declared")


if __name__ == "__main__":
    main()
