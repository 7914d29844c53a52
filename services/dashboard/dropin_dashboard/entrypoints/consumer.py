"""`python -m dropin_dashboard.entrypoints.consumer`: feeds the read models from stream, lead and
organization events (handlers: adapters/event_handlers.py; queue: dropin_common.topology.DASHBOARD_QUEUE).
Account events have a consumer of their own: entrypoints/accounts_consumer.py."""
from dropin_common.process import consumer_main
from dropin_common.topology import DASHBOARD_QUEUE

from ..bootstrap import bootstrap

QUEUE = DASHBOARD_QUEUE  # the queue whose data age /readyz and the answers report


def main() -> None:
    consumer_main("dashboard", lambda: bootstrap(reporting=False))


if __name__ == "__main__":
    main()
