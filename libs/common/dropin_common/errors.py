"""The HTTP edge's view of the kernel's errors: the status each kind is answered with, and the
names the edge raises them by. The domain raises `dropin_common.kernel` errors and knows nothing
of this module."""
from __future__ import annotations

from .kernel import Conflict, DomainError, InvalidInput, NotAllowed, NotAuthenticated, NotFound, RateLimited, TryLater

# The same classes under their HTTP names, for code at the edge (views, schemas, request parsing).
AppError = DomainError
BadRequest = InvalidInput
Unauthorized = NotAuthenticated
Forbidden = NotAllowed
TooManyRequests = RateLimited

HTTP_STATUS: dict[type[DomainError], int] = {
    InvalidInput: 400, NotAuthenticated: 401, NotAllowed: 403, NotFound: 404, Conflict: 409,
    RateLimited: 429, TryLater: 503,
}


def http_status(error: DomainError) -> int:
    """The status for the most specific kind `error` is (500 for a bare DomainError)."""
    for kind in type(error).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]
    return 500
