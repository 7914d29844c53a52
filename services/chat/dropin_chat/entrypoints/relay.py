"""`python -m dropin_chat.entrypoints.relay broker|pusher`: one outbox relay per destination."""
import sys

from dropin_common.outbox import run_relay
from dropin_common.ports import PUSHER_DESTINATION

from ..bootstrap import BROKER_DESTINATION, bootstrap

DESTINATIONS = (BROKER_DESTINATION, PUSHER_DESTINATION)


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in DESTINATIONS:
        sys.exit(f"usage: python -m dropin_chat.entrypoints.relay {'|'.join(DESTINATIONS)}")
    run_relay(bootstrap().relay(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
