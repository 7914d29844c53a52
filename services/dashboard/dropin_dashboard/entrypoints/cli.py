"""Operator commands: `python -m dropin_dashboard.entrypoints.cli rebuild|recount`

Rebuilding the read models
--------------------------
The read models hold nothing of their own: they are a projection of the producers' events.
`rebuild` empties calls, leads, organizations, dealers and the inbox (the record of handled event
ids). The dashboard then fills up again from whatever events arrive next; to get the history back,
replay it from the producers' outbox tables, which keep every event they published:

    -- in dropin_auth, then in dropin_streams (order between them does not matter)
    UPDATE outbox SET sent_at = NULL, available_at = now(), attempts = 0
     WHERE destination = 'broker';

Their relays publish those rows again (relays never prune broker rows: they are this event log).
Every consumer de-duplicates by event id in its own inbox, and its replicas ignore a snapshot older
than the one they hold, so the other services ignore the copies; the dashboard, whose inbox is now
empty, applies them, and its handlers tolerate any order. Stop the dashboard consumer during the
truncate (or just run it: events handled in between are simply applied again).
"""
from __future__ import annotations

import argparse
import sys

from ..bootstrap import bootstrap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dropin_dashboard.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("rebuild", help="empty the read models and inbox, ready for a replay")
    commands.add_parser("recount", help="recompute the period, facet and name counts from the calls and leads")
    args = parser.parse_args(argv)
    if args.command == "rebuild":
        bootstrap(verifying=False).maintenance.truncate()
        print("Read models and inbox emptied. Replay history by resetting sent_at in the producers' "
              "outbox tables (see `python -m pydoc dropin_dashboard.entrypoints.cli`).")
    elif args.command == "recount":
        bootstrap(verifying=False).maintenance.recount_periods()
        print("Period, facet and name counts recomputed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
