"""`python -m dropin_chat.entrypoints.consumer`: keeps the stream replica and the revocation list
(handlers: adapters/event_handlers.py; queue: dropin_common.topology.CHAT_QUEUE)."""
from dropin_common.process import consumer_main

from ..bootstrap import bootstrap


def main() -> None:
    consumer_main("chat", bootstrap)


if __name__ == "__main__":
    main()
