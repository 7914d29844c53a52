"""Lookups for the clients: a VIN decoded, a Pusher channel authorized."""
from __future__ import annotations

from flask import request

from dropin_common.api import REPLICA_BEHIND, Blueprint
from dropin_common.errors import BadRequest
from dropin_common.http import optional_principal

from ..domain.vehicle import InvalidVin
from ..use_cases import socket_auth
from ..use_cases.snapshots import decoded_vin_view
from . import schemas
from .request_context import container

api = Blueprint("lookups", __name__)
VIN_PARAMETER = {"in": "path", "name": "vinId", "required": True, "schema": {
    "type": "string", "pattern": schemas.VIN_PATTERN,
    "description": "17 letters and digits, without I, O or Q (any case)."}}


@api.get("/vin/<vin_id>", tags=["vin"])
@api.doc(parameters=[VIN_PARAMETER])
@api.response(200, schemas.DecodedVinAnswer)
@api.errors({400: "`invalid_vin`: a malformed VIN."})
def decode_vin(vin_id: str):
    """Decode a VIN."""
    try:
        return decoded_vin_view(container().decoder.decode(vin_id))
    except InvalidVin as exc:
        raise BadRequest(f"vinId: {exc}", code="invalid_vin", field="vinId") from None


@api.post("/socket/auth", tags=["socket"])
@api.arguments(schemas.ChannelAuthSchema, content_type="application/x-www-form-urlencoded")
@api.doc(requestBody={"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChannelAuth"}}}})
@api.doc(parameters=[{"in": "header", "name": "X-Stream-Token", "required": False, "schema": {"type": "string"},
                      "description": "The shopper's `streamToken`, instead of the body field."}])
@api.optional_jwt()
@api.response(200, schemas.ChannelAuthAnswer, description=(
    "Pusher's signature: `{auth}`, plus `channel_data` for presence channels."))
@api.errors({400: "A missing or malformed `socket_id` or `channel_name`.",
             401: "The channel needs a JWT and none was sent, or the one sent is not valid.",
             403: "The caller may not listen on that channel.", 503: REPLICA_BEHIND})
def authorize_socket(body):
    """Authorize a Pusher channel subscription (called by the Pusher SDK).

    `private-stream-<id>`: the stream's shopper (its `streamToken`, in the body or the
    `X-Stream-Token` header) or its dealer (JWT). `private-dealer-<id>`: that dealer (JWT).
    `private-organization-<id>`: the organization's active dealers (JWT).
    `presence-organization-<id>`: the organization's dealers (JWT), shown by name.
    Other channels are refused. Pusher's clients post a form; JSON is accepted as well.
    """
    c = container()
    return socket_auth.authorize_channel(c.uow(), c.signer, socket_auth.ChannelRequest(
        socket_id=body["socket_id"], channel_name=body["channel_name"], principal=optional_principal(),
        stream_token=body["stream_token"] or request.headers.get("X-Stream-Token")))
