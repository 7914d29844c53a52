"""`python -m dropin_streams.entrypoints.relay broker|pusher|beams|email`: one outbox destination each."""
from dropin_common.process import relay_main

from ..bootstrap import Container, bootstrap


def main(argv: list[str] | None = None) -> None:
    relay_main("streams", Container.DESTINATIONS, lambda: bootstrap(pool_size=2), argv)


if __name__ == "__main__":
    main()
