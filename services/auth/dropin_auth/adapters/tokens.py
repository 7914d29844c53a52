"""Signing the JWTs that every service verifies with dropin_common.auth.TokenVerifier."""
from __future__ import annotations

import uuid

import jwt

from dropin_common.auth import JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER
from dropin_common.principals import VERSION_CLAIM

from .. import ports
from ..domain.accounts import Account

DEFAULT_TTL_SECONDS = 7 * 24 * 3600


class JwtTokenIssuer(ports.TokenIssuer):
    def __init__(self, private_key_pem: str, ttl_seconds: int = DEFAULT_TTL_SECONDS):
        self._private_key = private_key_pem
        self._ttl = ttl_seconds

    def issue(self, account: Account, issued_at: float) -> ports.IssuedToken:
        jti = uuid.uuid4().hex
        expires_at = issued_at + self._ttl
        # iat stays a float: password-change cut-offs compare it at sub-second precision.
        claims = {"sub": account.id, "role": account.role, "org": account.organization_id,
                  "jti": jti, "iat": issued_at, "exp": expires_at,
                  # How new a service's accounts replica must be to judge this token.
                  VERSION_CLAIM: account.updated_at.timestamp(),
                  "aud": JWT_AUDIENCE, "iss": JWT_ISSUER}
        token = jwt.encode(claims, self._private_key, algorithm=JWT_ALGORITHM)
        return ports.IssuedToken(token=token, jti=jti, issued_at=issued_at, expires_at=expires_at)
