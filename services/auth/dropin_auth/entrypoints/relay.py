"""`python -m dropin_auth.entrypoints.relay broker`: publishes auth's outbox to RabbitMQ with
publisher confirms. Auth has no other destination."""
from __future__ import annotations

import argparse

from dropin_common.outbox import run_relay

from ..bootstrap import bootstrap

DESTINATIONS = ("broker",)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="dropin_auth.entrypoints.relay")
    parser.add_argument("destination", choices=DESTINATIONS)
    parser.parse_args(argv)
    run_relay(bootstrap().broker_relay())


if __name__ == "__main__":
    main()
