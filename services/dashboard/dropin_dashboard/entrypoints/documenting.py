"""What the dashboard's operations say alike in the OpenAPI document."""
from __future__ import annotations

ADMINS_ONLY = ("Admins only: a dealer's token is refused (`forbidden_role`), as is a switched-off account's "
               "(`account_inactive`).")
BAD_FILTER = "A bad filter; the error's `field` names it."


def described(text: str):
    """Gives a view built by a factory its docstring (summary, blank line, description), which
    flask-smorest reads when the route is declared: apply it first (lowest)."""
    def decorator(view):
        view.__doc__ = text
        return view
    return decorator
