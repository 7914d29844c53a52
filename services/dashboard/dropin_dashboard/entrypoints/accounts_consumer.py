"""`python -m dropin_dashboard.entrypoints.accounts_consumer`: keeps the accounts replica and the
revocation list, which every token check reads, from account events (queue
dropin_common.topology.DASHBOARD_ACCOUNTS_QUEUE). Apart from the projections' consumer so that a
logout is applied at once, at normal CPU priority, whatever the projections are doing."""
from dropin_common.process import start

from ..bootstrap import bootstrap


def main() -> None:
    start("dashboard accounts consumer", lambda: bootstrap(reporting=False).accounts_consumer())


if __name__ == "__main__":
    main()
