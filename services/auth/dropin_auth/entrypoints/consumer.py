"""`python -m dropin_auth.entrypoints.consumer`: what auth learns from other services (its
handlers: adapters/event_handlers.py; its queue: dropin_common.topology.AUTH_QUEUE)."""
from dropin_common.process import consumer_main

from ..bootstrap import bootstrap


def main() -> None:
    consumer_main("auth", lambda: bootstrap(signing=False))


if __name__ == "__main__":
    main()
