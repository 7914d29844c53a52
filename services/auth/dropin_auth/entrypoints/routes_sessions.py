"""`/auth*`: register, login, password change, logout."""
from __future__ import annotations

import functools

from flask import g, request

from dropin_common.api import RETRY_AFTER, Blueprint
from dropin_common.errors import BadRequest

from ..use_cases.registration import RegisterDealer, register_dealer
from ..use_cases.sessions import ChangePassword, LogIn, Session, change_password, log_in, log_out
from ..use_cases.snapshots import account_snapshot
from .request_context import client_ip, container
from .schemas import (AccountSchema, ChangePasswordSchema, LoggedOutSchema, LoginSchema, RegisterSchema,
                      SessionSchema)

sessions = Blueprint("sessions", __name__, description="Registering, logging in and out.")

PLATFORMS = ("ios", "android")
PLATFORM_HEADER = {
    "in": "header", "name": "Platform", "required": False, "schema": {"type": "string", "enum": list(PLATFORMS)},
    "description": "Mobile apps send `ios` or `android` (the contract also spells it `Plaform`); web clients send none."}
CREDENTIAL_ERRORS = {401: "Wrong email/username or password.",
                     403: "The right password for an inactive account (`account_inactive`)."}


@sessions.post("/auth/register", tags=["accounts"])
@sessions.arguments(RegisterSchema)
@sessions.response(201, AccountSchema)
@sessions.errors({409: "The email or the username is taken.",
                  429: {"description": "Too many registrations from this client (the gateway's limit).",
                        "headers": RETRY_AFTER}})
def register(body):
    """Register a dealer account

    The account starts as an inactive dealer with no organization; an admin activates it and
    attaches it to an organization (`PATCH /accounts/{accountId}`). Unknown body fields, such as
    `role`, are ignored. The password is never returned.
    """
    c = container()
    return account_snapshot(register_dealer(c.uow(), c.hasher, c.clock, RegisterDealer(**body)))


def _platform_checked(view):
    """Mobile apps send `Platform: ios|android`; any other value is a client bug worth reporting,
    refused before the body is read."""
    @functools.wraps(view)
    def checked(*args, **kwargs):
        for header in ("Platform", "Plaform"):
            value = request.headers.get(header)
            if value is not None and value.strip().lower() not in PLATFORMS:
                raise BadRequest(f"{header} must be one of: ios, android.", code="invalid_platform",
                                 field="Platform")
        return view(*args, **kwargs)
    return checked


@sessions.post("/auth")
@_platform_checked
@sessions.doc(parameters=[PLATFORM_HEADER])
@sessions.arguments(LoginSchema)
@sessions.response(200, SessionSchema)
@sessions.errors({**CREDENTIAL_ERRORS, 429: {"description": "Too many failed logins for this client and identifier, or too many logins from this client (the gateway's limit).",
                                             "headers": RETRY_AFTER}})
def login(body):
    """Log in with an email or a username and a password

    Failed attempts are counted per client address and identifier, and per identifier from any
    address: past either limit, logins are refused with 429 and a `Retry-After` header until the
    window passes.
    """
    command = LogIn(identifier=body["email"] or body["username"], password=body["password"],
                    client_ip=client_ip())
    c = container()
    return _session(log_in(c.uow(), c.credentials, command))


@sessions.post("/auth/changepassword")
@sessions.arguments(ChangePasswordSchema)
@sessions.response(200, SessionSchema)
@sessions.errors({**CREDENTIAL_ERRORS, 429: {"description": "Too many failed attempts for this client and identifier, or too many from this client (the gateway's limit).",
                                             "headers": RETRY_AFTER}})
def changepassword(body):
    """Change a password with the current one, and get a fresh token

    Authenticates like `POST /auth` (same failure counting and answers), then sets `newpassword`.
    Every token issued to the account before now is revoked, on every service; the token returned
    is the one that survives.
    """
    command = ChangePassword(identifier=body["email"] or body["username"], password=body["password"],
                             new_password=body["new_password"], client_ip=client_ip())
    c = container()
    return _session(change_password(c.uow(), c.credentials, command))


@sessions.post("/auth/logout")
@sessions.authenticated()
@sessions.response(200, LoggedOutSchema)
def logout():
    """Log out, revoking the token used for this request

    Only this token is revoked (on every service); other sessions of the account stay valid. A
    dealer who logs out is also switched offline.
    """
    principal = g.principal
    c = container()
    log_out(c.uow(), c.clock, account_id=principal.account_id, jti=principal.jti,
            expires_at=principal.expires_at)
    return {"loggedOut": True}


def _session(session: Session) -> dict:
    return {"token": session.token.token, "account": account_snapshot(session.account)}
