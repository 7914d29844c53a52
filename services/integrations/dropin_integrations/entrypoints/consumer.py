"""`python -m dropin_integrations.entrypoints.consumer`: keeps the replicas and plans deliveries."""
from dropin_common.consumer import run_consumer

from ..bootstrap import bootstrap


def main() -> None:
    run_consumer(bootstrap().consumer())


if __name__ == "__main__":
    main()
