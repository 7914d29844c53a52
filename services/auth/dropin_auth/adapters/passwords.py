"""argon2id password hashing (argon2-cffi's defaults: salted, memory-hard)."""
from __future__ import annotations

import argon2

from .. import ports


class Argon2PasswordHasher(ports.PasswordHasher):
    def __init__(self, hasher: argon2.PasswordHasher | None = None):
        self._hasher = hasher or argon2.PasswordHasher()
        # Verified against when the account does not exist, so that costs as much as a real check.
        self._decoy_hash = self._hasher.hash("decoy password nobody has")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None:
            self._matches(self._decoy_hash, password)
            return False
        return self._matches(password_hash, password)

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
