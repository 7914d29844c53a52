"""Errors the auth use cases raise: kinds of the shared kernel's errors, which the HTTP edge maps alike."""
from __future__ import annotations

from dropin_common.kernel import Conflict, NotAllowed, NotAuthenticated, NotFound, RateLimited


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("An account with this email already exists.", field="email")


class UsernameTaken(Conflict):
    code = "username_taken"

    def __init__(self) -> None:
        super().__init__("An account with this username already exists.", field="username")


class OrganizationCodeTaken(Conflict):
    code = "organization_code_taken"

    def __init__(self) -> None:
        super().__init__("An organization with this code already exists.", field="code")


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"

    def __init__(self) -> None:
        # One message whether the account is unknown or the password wrong: no account probing.
        super().__init__("Wrong email/username or password.")


class AccountInactive(NotAllowed):
    code = "account_inactive"

    def __init__(self) -> None:
        # Said only after the right password: a stranger learns nothing about the account.
        super().__init__("This account is not active; an admin must activate it.")


class LoginRateLimited(RateLimited):
    code = "too_many_login_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed logins; try again in {retry_after} s.", retry_after=retry_after)


class AccountNotFound(NotFound):
    code = "account_not_found"

    def __init__(self) -> None:
        super().__init__("No account with this id.")


class OrganizationNotFound(NotFound):
    code = "organization_not_found"

    def __init__(self, field: str | None = None) -> None:
        super().__init__("No organization with this id.", field=field)
