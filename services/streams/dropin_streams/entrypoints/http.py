"""The Flask app: streams, pings, leads, VINs and Pusher channel authorization."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Flask, current_app, g, jsonify, request

from dropin_common.auth import ROLE_DEALER
from dropin_common.errors import AppError, BadRequest
from dropin_common.readiness import readiness_checks
from dropin_common.http import (authenticated, create_service_app, json_body, optional_principal)
from dropin_common.query import load_or_400, parse_filters
from dropin_common.timeutil import iso

from ..bootstrap import Container, bootstrap
from ..domain.lead import Contact
from ..domain.stream import StreamLog
from ..domain.vehicle import InvalidVin
from ..use_cases import accept_stream, leads, loan_link, request_stream, socket_auth, stop_stream
from ..use_cases import stream_activity as activity
from ..use_cases.snapshots import decoded_vin_view, lead_snapshot, stream_view
from . import schemas

api = Blueprint("streams", __name__)
T = TypeVar("T")
REPLICA_POLL_SECONDS = 0.1


def _container() -> Container:
    return current_app.extensions["dropin.streams"]


@api.post("/streams/request/<organization_code>")
def request_a_stream(organization_code: str):
    """---
    post:
      tags: [streams]
      summary: A shopper asks an organization for a live walk-around of a vehicle
      description: >
        No login: the shopper's app calls it with the gateway's apikey only. The stream starts
        `requested`; a `stream.requested` event is published and a Pusher message goes to the
        organization's channel and to each online, active dealer's channel, so their apps ring.
        The VIN is decoded best effort; the make, model, type and year sent win over decoded ones.
        The answer carries the `streamToken`, shown only here, with which the shopper subscribes
        to the stream's Pusher channel (`POST /socket/auth`). The gateway rate-limits this
        endpoint per client address (429 `rate_limited`).
      requestBody:
        required: true
        content: {application/json: {schema: RequestStreamSchema}}
      responses:
        201:
          description: >
            The stream (as `GET /streams/{streamId}`), plus `streamToken` and `notifiedDealers`,
            the number of dealers rung.
        400: A missing or blank `vin`, an over-long field, or a `year` outside 1900-2100.
        404: No active organization has that code.
        429: Too many requests from this client (the gateway's limit).
    """
    body = load_or_400(schemas.RequestStreamSchema(), json_body())
    c = _container()
    command = request_stream.RequestStream(organization_code=organization_code, **body)
    result = replica_grace(lambda: request_stream.request_stream(c.uow(), c.decoder, command, c.clock()),
                           "organization_not_found")
    return {**stream_view(result.stream), "streamToken": result.stream_token,
            "notifiedDealers": result.notified_dealers}, 201


@api.post("/streams/accept/<stream_id>")
@authenticated(ROLE_DEALER)
def accept(stream_id: str):
    """---
    post:
      tags: [streams]
      summary: A dealer accepts a ringing stream; the first accept wins
      description: >
        Only an active dealer of the stream's organization, as the replica of accounts knows them
        now (not the token's claims). The stream goes `requested` -> `streaming`; a
        `stream.accepted` event is published and a Pusher message goes to the organization's
        channel (the other dealers' apps stop ringing) and to the stream's channel. Every later
        accept, and any accept of a stream that is no longer `requested`, gets 409.
      security: [{apikey: [], jwt: []}]
      responses:
        200: {description: "The accepted stream, now `streaming`, with its dealer."}
        401: No valid, unrevoked JWT.
        403: Not a dealer, or not an active dealer of the stream's organization.
        404: No such stream.
        409: Another dealer accepted it first, or the stream is no longer requested.
    """
    c = _container()
    return stream_view(replica_grace(
        lambda: accept_stream.accept_stream(c.uow(), g.principal, stream_id, c.clock()),
        "not_a_dealer_of_organization"))


@api.post("/streams/stop/<stream_id>")
def stop(stream_id: str):
    """---
    post:
      tags: [streams]
      summary: Either side ends a stream (idempotent)
      description: >
        No login needed: the stream id is the capability. A `requested` stream becomes `missed`,
        a `streaming` one `completed`; `stoppedBy` is `dealer` when the JWT is the stream's
        dealer's, `shopper` otherwise. A `stream.stopped` event is published and a Pusher message
        goes to the stream's and the organization's channels. Stopping an ended stream answers it
        unchanged and publishes nothing.
      security: [{apikey: []}, {apikey: [], jwt: []}]
      responses:
        200: {description: "The ended stream."}
        401: A JWT was sent but is not valid.
        404: No such stream.
        409: The stream kept changing while stopping it; try again.
    """
    c = _container()
    return stream_view(stop_stream.stop_stream(c.uow(), stream_id, optional_principal(), c.clock()))


@api.get("/streams/<stream_id>")
def get_stream(stream_id: str):
    """---
    get:
      tags: [streams]
      summary: One stream, with its delivery logs
      description: No login needed; the stream id (a UUID4) is the capability.
      responses:
        200:
          description: >
            The stream: id, version, organization, vin, vehicle, status, dealer, timestamps,
            stoppedBy, note, durationSeconds and logs.
        404: No such stream.
    """
    return stream_view(activity.get_stream(_container().uow(), stream_id))


@api.get("/streams")
@authenticated()
def list_streams():
    """---
    get:
      tags: [streams]
      summary: Streams, newest first
      description: An admin sees every stream; a dealer those of their organization.
      security: [{apikey: [], jwt: []}]
      parameters: [{in: query, schema: StreamListSchema}]
      responses:
        200: {description: "A JSON array of streams (as `GET /streams/{streamId}`)."}
        400: An unknown `status`, or a bad `skip` or `limit`.
        401: No valid, unrevoked JWT.
        403: The caller belongs to no organization.
    """
    filters = parse_filters(schemas.StreamListSchema(), request.args)
    streams = activity.list_streams(_container().uow(), g.principal, statuses=filters["status"],
                                    skip=filters["skip"], limit=filters["limit"])
    return jsonify([stream_view(stream) for stream in streams])


@api.post("/ping")
@authenticated(ROLE_DEALER)
def ping():
    """---
    post:
      tags: [presence]
      summary: A dealer's heartbeat during a stream
      description: >
        Dealers only. A `streaming` stream whose dealer sent no ping (or, before the first one,
        was not accepted) within the ping timeout is expired by the worker.
      security: [{apikey: [], jwt: []}]
      responses:
        200: {description: "`{dealerId, pingedAt}`."}
        401: No valid, unrevoked JWT.
        403: The caller is not a dealer.
    """
    c = _container()
    pinged_at = activity.record_ping(c.uow(), g.principal, c.clock())
    return {"dealerId": g.principal.account_id, "pingedAt": iso(pinged_at)}


@api.post("/streams/log/<stream_id>")
def log(stream_id: str):
    """---
    post:
      tags: [streams]
      summary: Record a client-side delivery report (a Pusher or push notification code)
      requestBody:
        required: true
        content: {application/json: {schema: StreamLogSchema}}
      responses:
        201: {description: "The recorded entry: `{type, code, at}`."}
        400: A missing or unknown `type`, or a `code` that is not an integer.
        404: No such stream.
    """
    body = load_or_400(schemas.StreamLogSchema(), json_body())
    c = _container()
    entry = activity.log_delivery(c.uow(), stream_id, StreamLog(body["type"], body["code"], c.clock()))
    return {"type": entry.type, "code": entry.code, "at": iso(entry.at)}, 201


@api.post("/streams/note/<stream_id>")
def note(stream_id: str):
    """---
    post:
      tags: [streams]
      summary: Add or replace the note of an ended stream
      description: >
        No login needed (the stream id is the capability); a JWT, when sent, must be an admin's
        or one of the stream's organization's dealers'. Publishes a `stream.noted` event (no
        Pusher message).
      security: [{apikey: []}, {apikey: [], jwt: []}]
      requestBody:
        required: true
        content: {application/json: {schema: NoteSchema}}
      responses:
        200: {description: "The stream with its note."}
        400: A missing or over-long `note`.
        401: A JWT was sent but is not valid.
        403: The JWT is neither an admin's nor a dealer's of the stream's organization.
        404: No such stream.
        409: The stream has not ended yet, or was edited at the same moment.
    """
    body = load_or_400(schemas.NoteSchema(), json_body())
    return stream_view(activity.note_stream(_container().uow(), stream_id, body["note"], optional_principal()))


@api.post("/streams/sendloanlink/<stream_id>")
def send_loan_link(stream_id: str):
    """---
    post:
      tags: [streams]
      summary: E-mail the organization's loan application link to the stream's shopper
      description: >
        Once the stream has ended, to the e-mail address of its latest lead. No login needed (the
        stream id is the capability); a JWT, when sent, must be an admin's or one of the stream's
        organization's dealers'. The e-mail is queued and sent asynchronously.
      security: [{apikey: []}, {apikey: [], jwt: []}]
      responses:
        202: {description: "The queued message: id, streamId, leadId, channel, to, subject, body, createdAt."}
        401: A JWT was sent but is not valid.
        403: The JWT is neither an admin's nor a dealer's of the stream's organization.
        404: No such stream, or its organization is unknown.
        409: The stream has not ended, the shopper left no e-mail address, or the organization has no loan link.
    """
    c = _container()
    message = loan_link.send_loan_link(c.uow(), stream_id, c.settings.mail_from, c.clock(), optional_principal())
    return {"id": message.id, "streamId": message.stream_id, "leadId": message.lead_id,
            "channel": message.channel, "to": message.recipient, "subject": message.subject,
            "body": message.body, "createdAt": iso(message.created_at)}, 202


@api.post("/leads")
def create_lead():
    """---
    post:
      tags: [leads]
      summary: Shopper feedback becomes a lead
      description: >
        No login needed. Give `streamId`, or `organizationToken` and `vinId`; when all are given,
        `streamId` wins. The contact needs at least a name, an e-mail or a phone. Publishes a
        `lead.created` event.
      requestBody:
        required: true
        content: {application/json: {schema: LeadSchema}}
      responses:
        201: {description: "The lead: id, streamId, organization, vin, vehicle, contact fields, createdAt."}
        400: >
          No way to reach the shopper, neither `streamId` nor `organizationToken` and `vinId`, a bad
          e-mail, an over-long field, or a malformed VIN.
        401: The organization token is not valid.
        404: No such stream.
    """
    body = load_or_400(schemas.LeadSchema(), json_body())
    contact = Contact(first_name=body["first_name"], last_name=body["last_name"], email=body["email"],
                      phone=body["phone"], comment=body["comment"])
    c = _container()
    lead = leads.create_lead(c.uow(), c.decoder, leads.CreateLead(
        contact=contact, stream_id=body["stream_id"], organization_token=body["organization_token"],
        vin=body["vin"]), c.clock())
    return lead_snapshot(lead), 201


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
        return decoded_vin_view(_container().decoder.decode(vin_id))
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
    c = _container()
    return socket_auth.authorize_channel(c.uow(), c.signer, socket_auth.ChannelRequest(
        socket_id=body["socket_id"], channel_name=body["channel_name"], principal=optional_principal(),
        stream_token=body["stream_token"] or request.headers.get("X-Stream-Token")))


def replica_grace(call: Callable[[], T], refusal_code: str) -> T:
    """Runs `call`, retrying a refusal that may only mean the replica has not yet heard of a
    change auth just made (an organization created, a dealer activated a moment ago)."""
    deadline = time.monotonic() + _container().settings.replica_grace_seconds
    while True:
        try:
            return call()
        except AppError as exc:
            if exc.code != refusal_code or time.monotonic() >= deadline:
                raise
        time.sleep(REPLICA_POLL_SECONDS)


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("streams", max_body_bytes=container.settings.common.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
                             verifier=container.verifier)
    app.extensions["dropin.streams"] = container
    app.register_blueprint(api)
    return app


