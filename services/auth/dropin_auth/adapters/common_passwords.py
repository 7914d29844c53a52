"""Passwords attackers try first. The list is zxcvbn's (the 30,000 most common passwords from
real leaks), kept by that library rather than by us; it is loaded once, on first use."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """Case and surrounding spaces do not make a common password uncommon."""
    return password.strip().lower() in _common_passwords()
