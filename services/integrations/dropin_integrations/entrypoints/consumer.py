"""`python -m dropin_integrations.entrypoints.consumer`: keeps the replicas and plans deliveries
(handlers: adapters/event_handlers.py; queue: dropin_common.topology.INTEGRATIONS_QUEUE)."""
from dropin_common.process import consumer_main

from ..bootstrap import bootstrap


def main() -> None:
    consumer_main("integrations", bootstrap)


if __name__ == "__main__":
    main()
