"""Lookups for the clients: a VIN decoded, a Pusher channel authorized."""
from __future__ import annotations

from flask import Blueprint, request

from dropin_common.errors import BadRequest
from dropin_common.http import json_body, optional_principal
from dropin_common.query import load_or_400

from ..domain.vehicle import InvalidVin
from ..use_cases import socket_auth
from ..use_cases.snapshots import decoded_vin_view
from . import schemas
from .request_context import container

api = Blueprint("lookups", __name__)


@api.get("/vin/<vin_id>")
def decode_vin(vin_id: str):
    """---
    get:
      tags: [vin]
      summary: Decode a VIN
      responses:
        200: {description: "`{vin, make, model, type, year, country, manufacturer, region, checksumValid}`."}
        400: A malformed VIN.
    """
    try:
        return decoded_vin_view(container().decoder.decode(vin_id))
    except InvalidVin as exc:
        raise BadRequest(f"vinId: {exc}", code="invalid_vin", field="vinId") from None


@api.post("/socket/auth")
def authorize_socket():
    """---
    post:
      tags: [socket]
      summary: Authorize a Pusher channel subscription (called by the Pusher SDK)
      description: >
        `private-stream-<id>`: the stream's shopper (its `streamToken`, in the body or the
        `X-Stream-Token` header) or its dealer (JWT). `private-dealer-<id>`: that dealer (JWT).
        `private-organization-<id>`: the organization's active dealers (JWT).
        `presence-organization-<id>`: the organization's dealers (JWT), shown by name.
        Other channels are refused.
      security: [{apikey: []}, {apikey: [], jwt: []}]
      parameters:
        - {in: header, name: X-Stream-Token, required: false, schema: {type: string},
           description: "The shopper's `streamToken`, instead of the body field."}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded: {schema: ChannelAuthSchema}
          application/json: {schema: ChannelAuthSchema}
      responses:
        200: {description: "Pusher's signature: `{auth}`, plus `channel_data` for presence channels."}
        400: A missing or malformed `socket_id` or `channel_name`.
        401: The channel needs a JWT and none was sent, or the one sent is not valid.
        403: The caller may not listen on that channel.
    """
    # Pusher's clients post form-encoded socket_id/channel_name; JSON is accepted as well.
    body = load_or_400(schemas.ChannelAuthSchema(), json_body())
    c = container()
    return socket_auth.authorize_channel(c.uow(), c.signer, socket_auth.ChannelRequest(
        socket_id=body["socket_id"], channel_name=body["channel_name"], principal=optional_principal(),
        stream_token=body["stream_token"] or request.headers.get("X-Stream-Token")))

