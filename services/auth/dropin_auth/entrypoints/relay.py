"""`python -m dropin_auth.entrypoints.relay broker`: publishes auth's outbox to RabbitMQ with
publisher confirms. Auth has no other destination."""
from dropin_common.process import relay_main

from ..bootstrap import Container, bootstrap


def main(argv: list[str] | None = None) -> None:
    relay_main("auth", Container.DESTINATIONS, lambda: bootstrap(signing=False), argv)


if __name__ == "__main__":
    main()
