"""When a failed delivery is tried again: exponential back-off with jitter, for at least a day.

The delays grow 5 s, 10 s, 20 s ... up to two hours apart, each shortened by up to a fifth at
random so that many deliveries failing together do not all come back at once. A delivery is
set aside only once even the shortest possible waits add up to the retry window (24 h): an
operator can send it again from the delivery log.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

BASE_SECONDS = 5.0
CAP_SECONDS = 2 * 3600.0
JITTER = 0.2


def nominal_delay(attempts: int) -> float:
    return min(CAP_SECONDS, BASE_SECONDS * 2.0 ** min(attempts - 1, 30))


def attempts_within(window: timedelta) -> int:
    """How many failures fit in `window` when every wait is as short as jitter allows."""
    waited, attempts = 0.0, 0
    while waited < window.total_seconds():
        attempts += 1
        waited += nominal_delay(attempts) * (1 - JITTER)
    return attempts


def backoff_for(window: timedelta, rand: Callable[[], float] = random.random) -> Callable[[int], timedelta | None]:
    """The relay's backoff: a delay after each failure, None (set aside) once the window is spent."""
    limit = attempts_within(window)

    def backoff(attempts: int) -> timedelta | None:
        if attempts > limit:
            return None
        return timedelta(seconds=nominal_delay(attempts) * (1 - JITTER * rand()))
    return backoff
