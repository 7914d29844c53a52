"""`python -m dropin_chat.entrypoints.relay broker|pusher`: one outbox relay per destination."""
from dropin_common.process import relay_main

from ..bootstrap import Container, bootstrap


def main(argv: list[str] | None = None) -> None:
    relay_main("chat", Container.DESTINATIONS, bootstrap, argv)


if __name__ == "__main__":
    main()
