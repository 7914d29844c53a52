"""Login throttling policy: at most `max_failures` failed attempts per `window` for one client
and identifier. Successful logins clear the count."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LoginThrottle:
    max_failures: int = 10
    window: timedelta = timedelta(minutes=5)

    def retry_after_seconds(self, failures_in_window: list[datetime], now: datetime) -> int | None:
        """None when another attempt is allowed; otherwise whole seconds until the oldest counted
        failure leaves the window."""
        if len(failures_in_window) < self.max_failures:
            return None
        recent = sorted(failures_in_window)[-self.max_failures:]
        wait = (recent[0] + self.window - now).total_seconds()
        return max(1, math.ceil(wait))


def throttle_key(client_ip: str | None, identifier: str) -> str:
    return f"{client_ip or 'unknown'}|{identifier.strip().lower()}"
