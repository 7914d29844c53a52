"""`python -m dropin_chat.entrypoints.consumer`: keeps the stream replica and the revocation list."""
from dropin_common.consumer import run_consumer

from ..bootstrap import bootstrap


def main() -> None:
    run_consumer(bootstrap().consumer())


if __name__ == "__main__":
    main()
