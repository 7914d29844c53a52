"""`python -m dropin_streams.entrypoints.consumer`: the organizations/accounts replica and the
token revocation list, fed by auth's events (handlers: adapters/event_handlers.py; queue:
dropin_common.topology.STREAMS_QUEUE)."""
from dropin_common.process import consumer_main

from ..bootstrap import bootstrap


def main() -> None:
    consumer_main("streams", bootstrap)


if __name__ == "__main__":
    main()
