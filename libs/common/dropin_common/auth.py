"""Verifying the JWTs that only the auth service can sign, and refusing revoked ones.

Tokens are EdDSA (Ed25519) signed; services hold the public key only. A token is refused when
its `jti` was revoked (logout) or it was issued before the account's cut-off (password change).
Both lists live in each service's own database, fed by `account.tokens_revoked` events.
"""
from __future__ import annotations

from typing import Protocol

import jwt
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from .contracts.auth import AccountTokensRevoked
from .config import ConfigError
from .errors import Forbidden, Unauthorized
from .kernel import ROLE_ADMIN, ROLE_DEALER, Principal  # noqa: F401 - the roles re-exported for the edge
from .principals import VERSION_CLAIM, PrincipalLoader, SqlAccountReplica

JWT_ALGORITHM = "EdDSA"
JWT_AUDIENCE = "dropin"
JWT_ISSUER = "dropin-auth"
ACCEPTED_SCHEMES = ("jwt", "bearer")


class RevocationList(Protocol):
    def is_revoked(self, principal: Principal) -> bool: ...


class SqlRevocationList:
    def __init__(self, engine: Engine, revoked_tokens: sa.Table, token_cutoffs: sa.Table):
        self._engine = engine
        self._revoked = revoked_tokens
        self._cutoffs = token_cutoffs

    def is_revoked(self, principal: Principal) -> bool:
        query = sa.select(sa.literal(1)).where(self._revoked.c.jti == principal.jti).union_all(
            sa.select(sa.literal(1)).where(self._cutoffs.c.account_id == principal.account_id,
                                           self._cutoffs.c.not_before > principal.issued_at))
        with self._engine.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None


def apply_revocation(conn: Connection, revoked_tokens: sa.Table, token_cutoffs: sa.Table,
                     revocation: AccountTokensRevoked) -> None:
    """Handler body for `account.tokens_revoked` (also used by auth on its own transaction)."""
    if revocation.jti:
        conn.execute(pg_insert(revoked_tokens).values(
            jti=revocation.jti, expires_at=revocation.expires_at).on_conflict_do_nothing())
    if revocation.not_before is not None:
        stmt = pg_insert(token_cutoffs).values(account_id=revocation.account_id, not_before=revocation.not_before)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["account_id"],
            set_={"not_before": sa.func.greatest(token_cutoffs.c.not_before, stmt.excluded.not_before)}))


def revocation_handler(tables: dict[str, sa.Table]):
    """The consumer handler for `account.tokens_revoked`, on a service's messaging tables."""
    def handle(event: AccountTokensRevoked, conn: Connection) -> None:
        apply_revocation(conn, tables["revoked_tokens"], tables["token_cutoffs"], event)
    return handle


class TokenVerifier:
    """Checks the signature and claims, then asks `principals` (the service's accounts replica)
    who the caller is now. A bare `revocations` list (tests of the signature alone) only refuses
    revoked tokens."""

    def __init__(self, public_key: str, revocations: RevocationList | None = None, *,
                 principals: PrincipalLoader | None = None):
        if revocations is None and principals is None:
            raise ValueError("a TokenVerifier needs an accounts replica (principals) or a revocation list")
        self._public_key = public_key
        self._revocations = revocations
        self._principals = principals

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(token, self._public_key, algorithms=[JWT_ALGORITHM],
                                audience=JWT_AUDIENCE, issuer=JWT_ISSUER,
                                options={"require": ["exp", "iat", "sub", "jti"]})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("The token has expired.", code="token_expired") from None
        except jwt.InvalidTokenError:
            raise Unauthorized("The token is not valid.", code="invalid_token") from None
        version = claims.get(VERSION_CLAIM)
        principal = Principal(account_id=str(claims["sub"]), role=str(claims.get("role", "")),
                              organization_id=claims.get("org"), jti=str(claims["jti"]),
                              issued_at=float(claims["iat"]), expires_at=float(claims["exp"]),
                              account_version=float(version) if isinstance(version, (int, float)) else None)
        if self._principals is not None:
            return self._principals.load(principal)
        if self._revocations is not None and self._revocations.is_revoked(principal):
            raise Unauthorized("The token has been revoked.", code="token_revoked")
        return principal


def token_from_header(header: str | None) -> str | None:
    """`JWT <token>` (the contract) or `Bearer <token>`; None when absent."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() not in ACCEPTED_SCHEMES or not token.strip():
        raise Unauthorized("Authorization must be 'JWT <token>' or 'Bearer <token>'.",
                           code="invalid_authorization_header")
    return token.strip()


def require_role(principal: Principal, *roles: str) -> None:
    if roles and principal.role not in roles:
        raise Forbidden(f"This needs the {' or '.join(roles)} role.", code="forbidden_role")


def sql_token_verifier(public_key: str, engine: Engine, tables: dict[str, sa.Table], *,
                       accounts: sa.Table, replica_wait_seconds: float = 2.0) -> TokenVerifier:
    """A verifier backed by the service's own accounts replica (`accounts`: a table with id, role,
    status, organization_id, updated_at) and revocation tables. No key is a start-up error
    (`CommonSettings.public_key()` says which variable to set)."""
    if not public_key:
        raise ConfigError("a token verifier needs the JWT public key (JWT_PUBLIC_KEY_FILE)")
    replica = SqlAccountReplica(engine, accounts, tables["revoked_tokens"], tables["token_cutoffs"])
    return TokenVerifier(public_key, principals=PrincipalLoader(replica, wait_seconds=replica_wait_seconds))
