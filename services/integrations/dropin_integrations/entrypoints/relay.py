"""`python -m dropin_integrations.entrypoints.relay email|webhook`: one delivery relay per destination."""
from dropin_common.process import relay_main

from ..bootstrap import Container, bootstrap


def main(argv: list[str] | None = None) -> None:
    relay_main("integrations", Container.DESTINATIONS, bootstrap, argv)


if __name__ == "__main__":
    main()
