"""`python -m dropin_integrations.entrypoints.relay email|webhook`: one delivery relay per destination."""
import sys

from dropin_common.outbox import run_relay

from ..bootstrap import DESTINATIONS, bootstrap


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in DESTINATIONS:
        sys.exit(f"usage: python -m dropin_integrations.entrypoints.relay {'|'.join(DESTINATIONS)}")
    run_relay(bootstrap().relay(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
