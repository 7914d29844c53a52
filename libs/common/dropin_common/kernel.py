"""The shared kernel every service's domain may import: who is calling (`Principal`) and the kinds
of refusal a rule can raise. Standard library only, and nothing of HTTP: the edge decides which
status each kind is answered with (`dropin_common.errors.http_status`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROLE_DEALER = "dealer"
ROLE_ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The caller of a use case, as a verified token and the service's accounts replica tell it."""

    account_id: str
    role: str
    organization_id: str | None
    jti: str
    issued_at: float
    expires_at: float
    # The account's `updatedAt` (epoch seconds) when the token was issued: how new a replica must
    # be to judge it (see principals.py). None for tokens issued before the claim existed.
    account_version: float | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


class DomainError(Exception):
    """A refusal with a stable machine-readable `code`, a message for people, optionally the input
    `field` at fault (or `details`: messages by field), and `retry_after` seconds when waiting
    that long may be all it takes."""

    code = "internal_error"
    retry_after: int | None = None

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 details: dict[str, Any] | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details
        if retry_after is not None:
            self.retry_after = retry_after

    def to_dict(self) -> dict[str, Any]:
        """The error body clients get: `{"error": {"code", "message", "field"?, "fields"?}}`."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["fields"] = self.details
        return {"error": body}


class InvalidInput(DomainError):
    code = "bad_request"


class NotAuthenticated(DomainError):
    """No credentials, or ones that prove nothing."""

    code = "unauthorized"


class NotAllowed(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """Wrong state for this, or a duplicate."""

    code = "conflict"


class RateLimited(DomainError):
    code = "rate_limited"


class TryLater(DomainError):
    """Nothing wrong with the request, and it may well succeed in `retry_after` seconds."""

    code = "unavailable"
    retry_after = 1
