"""`python -m dropin_common.probe URL`: exits 0 when URL answers 2xx within 3 s, else 1. The health
check of containers whose image has no curl or wget (every service's image)."""
from __future__ import annotations

import sys
import urllib.request


def main(argv: list[str] | None = None) -> int:
    url = (argv if argv is not None else sys.argv[1:])[0]
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if 200 <= response.status < 300 else 1
    except Exception as exc:  # noqa: BLE001 - any failure is "not healthy"
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
