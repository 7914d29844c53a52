"""Login throttling policy. Failed attempts are counted twice: per client address and identifier
(`max_failures` per `window`), and per identifier alone (`max_identifier_failures` per `window`),
so spraying one account from many addresses is limited too. A successful login clears both."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginThrottle:
    max_failures: int = 10
    window: timedelta = timedelta(minutes=5)
    max_identifier_failures: int = 30

    def retry_after_seconds(self, client_failures: list[datetime], identifier_failures: list[datetime],
                            now: datetime) -> int | None:
        """None when another attempt is allowed; otherwise whole seconds until enough counted
        failures leave the window."""
        waits = [wait for wait in (self._wait(client_failures, self.max_failures, now),
                                   self._wait(identifier_failures, self.max_identifier_failures, now))
                 if wait is not None]
        return max(waits) if waits else None

    def _wait(self, failures: list[datetime], limit: int, now: datetime) -> int | None:
        if len(failures) < limit:
            return None
        recent = sorted(failures)[-limit:]
        wait = (recent[0] + self.window - now).total_seconds()
        return max(1, math.ceil(wait))


def throttle_key(client_ip: str | None, identifier: str) -> str:
    return f"{client_ip or 'unknown'}|{identifier.strip().lower()}"


def identifier_key(identifier: str) -> str:
    """Every client's failures on one identifier (`*` is no address, so it never collides)."""
    return f"*|{identifier.strip().lower()}"
