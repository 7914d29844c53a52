"""What the dashboard's operations share in the OpenAPI document: admins only, a bad filter."""
from __future__ import annotations

from dropin_common.api import REPLICA_BEHIND, Blueprint
from dropin_common.auth import ROLE_ADMIN

ADMINS_ONLY = ("Admins only: a dealer's token is refused (`forbidden_role`), as is a switched-off account's "
               "(`account_inactive`).")
BAD_FILTER = "A bad filter; the error's `field` names it."


def admins_only(bp: Blueprint):
    """An admin's JWT, checked first, against the accounts replica (which may lag behind: 503)."""
    def decorator(view):
        return bp.authenticated(ROLE_ADMIN, forbidden=ADMINS_ONLY)(bp.errors({503: REPLICA_BEHIND})(view))
    return decorator


def described(text: str):
    """Gives a view built by a factory its docstring (summary, blank line, description), which
    flask-smorest reads when the route is declared: apply it first (lowest)."""
    def decorator(view):
        view.__doc__ = text
        return view
    return decorator
