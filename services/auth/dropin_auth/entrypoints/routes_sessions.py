"""`/auth*`: register, login, password change, logout."""
from __future__ import annotations

from flask import Blueprint, g, request

from dropin_common.errors import BadRequest
from dropin_common.http import authenticated, json_body
from dropin_common.query import load_or_400

from ..use_cases.registration import RegisterDealer, register_dealer
from ..use_cases.sessions import ChangePassword, LogIn, Session, change_password, log_in, log_out
from ..use_cases.snapshots import account_snapshot
from .request_context import client_ip, container
from .schemas import ChangePasswordSchema, LoginSchema, RegisterSchema

sessions = Blueprint("sessions", __name__)

PLATFORMS = ("ios", "android")


@sessions.post("/auth/register")
def register():
    body = load_or_400(RegisterSchema(), json_body())
    c = container()
    account = register_dealer(c.uow(), c.hasher, c.clock, RegisterDealer(**body))
    return account_snapshot(account), 201


@sessions.post("/auth")
def login():
    _check_platform_header()
    body = load_or_400(LoginSchema(), json_body())
    command = LogIn(identifier=body["email"] or body["username"], password=body["password"],
                    client_ip=client_ip())
    c = container()
    return _session_response(log_in(c.uow(), c.credentials, command))


@sessions.post("/auth/changepassword")
def changepassword():
    body = load_or_400(ChangePasswordSchema(), json_body())
    command = ChangePassword(identifier=body["email"] or body["username"], password=body["password"],
                             new_password=body["new_password"], client_ip=client_ip())
    c = container()
    return _session_response(change_password(c.uow(), c.credentials, command))


@sessions.post("/auth/logout")
@authenticated()
def logout():
    principal = g.principal
    c = container()
    log_out(c.uow(), c.clock, account_id=principal.account_id, jti=principal.jti,
            expires_at=principal.expires_at)
    return {"loggedOut": True}


def _check_platform_header() -> None:
    """Mobile apps send `Platform: ios|android` (the contract also spells it `Plaform`); web
    clients send none. Any other value is a client bug worth reporting."""
    for header in ("Platform", "Plaform"):
        value = request.headers.get(header)
        if value is not None and value.strip().lower() not in PLATFORMS:
            raise BadRequest(f"{header} must be one of: ios, android.", code="invalid_platform",
                             field="Platform")


def _session_response(session: Session) -> dict:
    return {"token": session.token.token, "account": account_snapshot(session.account)}
