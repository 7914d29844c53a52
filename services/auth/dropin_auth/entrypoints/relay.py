"""`python -m dropin_auth.entrypoints.relay broker`: publishes auth's outbox to RabbitMQ with
publisher confirms. Auth has no other destination."""
from __future__ import annotations

import argparse
import logging

from ..bootstrap import bootstrap

DESTINATIONS = ("broker",)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dropin_auth.entrypoints.relay")
    parser.add_argument("destination", choices=DESTINATIONS)
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    bootstrap().broker_relay().run_forever()


if __name__ == "__main__":
    main()
