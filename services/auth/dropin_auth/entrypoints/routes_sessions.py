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
    """---
    post:
      tags: [accounts]
      summary: Register a dealer account
      description: >
        The account starts as an inactive dealer with no organization; an admin activates it and
        attaches it to an organization (`PATCH /accounts/{accountId}`). Unknown body fields, such
        as `role`, are ignored. The password is never returned.
      requestBody:
        required: true
        content: {application/json: {schema: RegisterSchema}}
      responses:
        201:
          description: >
            The new account: id, email, username, firstName, lastName, phone, role, status,
            accountStatus, organizationId, createdAt, updatedAt.
        400: A missing or invalid field (email, password length, username characters, phone).
        409: The email or the username is taken.
    """
    body = load_or_400(RegisterSchema(), json_body())
    c = container()
    account = register_dealer(c.uow(), c.hasher, c.clock, RegisterDealer(**body))
    return account_snapshot(account), 201


@sessions.post("/auth")
def login():
    """---
    post:
      tags: [sessions]
      summary: Log in with an email or a username and a password
      description: >
        Only one of `email` and `username` is used (email wins when both are sent). An inactive
        account (a registered dealer before an admin activates it, or one switched off) gets
        403 `account_inactive` for the right password. Failed attempts are counted per client
        address and identifier, and per identifier from any address: past either limit, logins
        are refused with 429 and a `Retry-After` header until the window passes.
      parameters:
        - in: header
          name: Platform
          required: false
          description: >
            Mobile apps send `ios` or `android` (the contract also spells it `Plaform`);
            web clients send none.
          schema: {type: string, enum: [ios, android]}
      requestBody:
        required: true
        content: {application/json: {schema: LoginSchema}}
      responses:
        200: {description: "`{token, account}`: a JWT to send as `Authorization: JWT <token>`, and the account."}
        400: Neither email nor username, no password, or a `Platform` header other than ios/android.
        401: Wrong email/username or password.
        429:
          description: Too many failed logins for this client and identifier.
          headers:
            Retry-After: {description: "Seconds until logging in is allowed again.", schema: {type: integer}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    """
    _check_platform_header()
    body = load_or_400(LoginSchema(), json_body())
    command = LogIn(identifier=body["email"] or body["username"], password=body["password"],
                    client_ip=client_ip())
    c = container()
    return _session_response(log_in(c.uow(), c.credentials, command))


@sessions.post("/auth/changepassword")
def changepassword():
    """---
    post:
      tags: [sessions]
      summary: Change a password with the current one, and get a fresh token
      description: >
        Authenticates like `POST /auth` (email or username and `password`, same failure counting,
        429 and 403 for an inactive account), then sets `newpassword`. Every token issued to the account before now is
        revoked, on every service; the token returned is the one that survives.
      requestBody:
        required: true
        content: {application/json: {schema: ChangePasswordSchema}}
      responses:
        200: {description: "`{token, account}`: a fresh JWT and the account."}
        400: Neither email nor username, no password, or a too-short `newpassword`.
        401: Wrong email/username or password.
        429:
          description: Too many failed attempts for this client and identifier.
          headers:
            Retry-After: {description: "Seconds until trying again is allowed.", schema: {type: integer}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
    """
    body = load_or_400(ChangePasswordSchema(), json_body())
    command = ChangePassword(identifier=body["email"] or body["username"], password=body["password"],
                             new_password=body["new_password"], client_ip=client_ip())
    c = container()
    return _session_response(change_password(c.uow(), c.credentials, command))


@sessions.post("/auth/logout")
@authenticated()
def logout():
    """---
    post:
      tags: [sessions]
      summary: Log out, revoking the token used for this request
      description: >
        Only this token is revoked (on every service); other sessions of the account stay valid.
        A dealer who logs out is also switched offline.
      security: [{apikey: [], jwt: []}]
      responses:
        200: {description: "`{loggedOut: true}`."}
        401: No token, or an invalid, expired or already revoked one.
    """
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
