"""A stream's life: a shopper requests it, dealers ring and accept, either side stops it; the dealer's
heartbeat; reading streams."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from dropin_common.auth import ROLE_DEALER
from dropin_common import metrics
from dropin_common.http import authenticated, json_body, optional_principal
from dropin_common.query import load_or_400, parse_filters
from dropin_common.timeutil import iso

from ..domain.stream import MISSED_CLOSED

from ..use_cases import accept_stream, request_stream, stop_stream
from ..use_cases.availability import check_availability
from ..use_cases.push_auth import beams_token
from ..use_cases import stream_activity as activity
from ..use_cases.snapshots import stream_view, stream_view_for
from . import schemas
from .request_context import container, replica_grace

api = Blueprint("streams", __name__)


def iso_with_offset(moment) -> str | None:
    """In the organization's own zone (not UTC), so a shopper's page can show it as is."""
    return moment.isoformat() if moment is not None else None


@api.post("/streams/request/<organization_code>")
def request_a_stream(organization_code: str):
    """---
    post:
      tags: [streams]
      summary: A shopper asks an organization for a live walk-around of a vehicle
      description: >
        No login: the shopper's app calls it with the gateway's apikey only. The stream starts
        `requested`; a `stream.requested` event is published, a Pusher message goes to the
        organization's channel and to each online, active dealer's channel, and a push
        notification (Pusher Beams, living as long as the ring timeout) to each of those dealers,
        so their apps ring, in the background too. A dealer counts as online while they ping
        (`POST /ping`) at least every PRESENCE_TIMEOUT_SECONDS. Outside the organization's
        business hours, or with nobody online, nothing rings: the stream is answered at once as
        `missed` with `missedReason` `closed` (and `nextOpenAt`, ISO 8601 with the
        organization's offset, or null if it never opens again) or `nobody_online`, and
        `notifiedDealers` 0; it still produces `stream.requested` and `stream.stopped`.
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
            The new stream, whole (it has no note, logs or dealer yet; `missedReason` and
            `dealersRung` included), plus `streamToken`, `notifiedDealers` (the number of dealers
            rung) and, when `missedReason` is `closed`, `nextOpenAt`. Later reads without the
            organization's JWT get only the shopper's fields (see `GET /streams/{streamId}`).
        400: A missing or blank `vin`, an over-long field, or a `year` outside 1900-2100.
        404: No active organization has that code.
        429: Too many requests from this client (the gateway's limit).
    """
    body = load_or_400(schemas.RequestStreamSchema(), json_body())
    c = container()
    command = request_stream.RequestStream(organization_code=organization_code, **body)
    result = replica_grace(lambda: request_stream.request_stream(c.uow(), c.decoder, command, c.clock(),
                                                                 c.settings.ringing),
                           "organization_not_found")
    metrics.STREAMS.labels("requested").inc()
    answer = {**stream_view(result.stream), "streamToken": result.stream_token,
              "notifiedDealers": result.notified_dealers}
    if result.stream.missed_reason == MISSED_CLOSED:
        answer["nextOpenAt"] = iso_with_offset(result.next_open_at)
    return answer, 201


@api.get("/streams/availability/<organization_code>")
def availability(organization_code: str):
    """---
    get:
      tags: [streams]
      summary: Whether a request now would ring anybody (for the shopper's page, before the button)
      description: >
        No login, like the request (the gateway's apikey only), and rate-limited at the gateway
        like it. `open` follows the organization's business hours; `dealersOnline` counts its
        active dealers switched online who pinged within PRESENCE_TIMEOUT_SECONDS; `nextOpenAt`
        (ISO 8601 with the organization's offset) is set while closed, null while open or when
        it never opens again.
      responses:
        200: {description: "`{open, dealersOnline, nextOpenAt}`."}
        404: No active organization has that code.
        429: Too many requests from this client (the gateway's limit).
    """
    c = container()
    found = check_availability(c.uow(), organization_code, c.clock(), c.settings.ringing.presence)
    return {"open": found.open, "dealersOnline": found.dealers_online,
            "nextOpenAt": iso_with_offset(found.next_open_at)}


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
    c = container()
    stream = replica_grace(lambda: accept_stream.accept_stream(c.uow(), g.principal, stream_id, c.clock()),
                           "not_a_dealer_of_organization")
    metrics.STREAMS.labels("accepted").inc()
    if stream.accepted_at is not None:
        metrics.TIME_TO_ANSWER.observe(max(0.0, (stream.accepted_at - stream.requested_at).total_seconds()))
    return stream_view(stream)


@api.post("/streams/stop/<stream_id>")
def stop(stream_id: str):
    """---
    post:
      tags: [streams]
      summary: Either side ends a stream (idempotent)
      description: >
        No login needed: the stream id is the shopper's capability. A JWT, when sent, must be an
        admin's or belong to the stream's organization (403 otherwise). A `requested` stream
        becomes `missed`, a `streaming` one `completed`; `stoppedBy` records who stopped it:
        `shopper` (no JWT), `dealer` (the stream's dealer), `colleague` (another dealer of the
        organization) or `admin` (`system` is the worker's timeouts). A `stream.stopped` event is
        published and a Pusher message goes to the stream's and the organization's channels.
        Stopping an ended stream answers it unchanged and publishes nothing.
      security: [{apikey: []}, {apikey: [], jwt: []}]
      responses:
        200:
          description: >
            The ended stream: as `GET /streams/{streamId}` answers the same caller (without the
            organization's JWT, only the shopper's fields).
        401: A JWT was sent but is not valid.
        403: The JWT belongs to another organization.
        404: No such stream.
        409: The stream kept changing while stopping it; try again.
    """
    c = container()
    seen = stop_stream.stop_stream(c.uow(), stream_id, optional_principal(), c.clock())
    return stream_view_for(seen.stream, seen.role)


@api.get("/streams/<stream_id>")
def get_stream(stream_id: str):
    """---
    get:
      tags: [streams]
      summary: One stream; its internals only for its organization
      description: >
        No login needed; the stream id (a UUIDv7: its creation time, then 74 random bits) is the shopper's capability. Without a JWT the
        answer is what the shopper's app needs: id, organizationCode, organizationName, vin,
        vehicle, status, `dealer` as `{firstName}` (null until accepted), requestedAt, acceptedAt,
        stoppedAt, missedReason. With a JWT of the stream's organization (or an admin's) it is the whole
        stream. A JWT of another organization is refused.
      security: [{apikey: []}, {apikey: [], jwt: []}]
      responses:
        200:
          description: >
            With the organization's JWT: id, version, organization, vin, vehicle, status, dealerId,
            dealer, timestamps, stoppedBy, note, durationSeconds and logs. Without: the shopper's
            fields above.
        401: A JWT was sent but is not valid.
        403: The JWT belongs to another organization.
        404: No such stream.
    """
    seen = activity.get_stream(container().uow(), stream_id, optional_principal())
    return stream_view_for(seen.stream, seen.role)


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
    streams = activity.list_streams(container().uow(), g.principal, statuses=filters["status"],
                                    skip=filters["skip"], limit=filters["limit"])
    return jsonify([stream_view(stream) for stream in streams])


@api.post("/ping")
@authenticated(ROLE_DEALER)
def ping():
    """---
    post:
      tags: [presence]
      summary: A dealer's heartbeat, while online and during a stream
      description: >
        Dealers only. A `streaming` stream whose dealer sent no ping (or, before the first one,
        was not accepted) within the ping timeout is expired by the worker. A dealer switched
        online who sends no ping for PRESENCE_TIMEOUT_SECONDS (default 120) stops ringing and
        is switched offline.
      security: [{apikey: [], jwt: []}]
      responses:
        200: {description: "`{dealerId, pingedAt}`."}
        401: No valid, unrevoked JWT.
        403: The caller is not a dealer.
    """
    c = container()
    pinged_at = activity.record_ping(c.uow(), g.principal, c.clock())
    return {"dealerId": g.principal.account_id, "pingedAt": iso(pinged_at)}



@api.get("/pusher/beams-auth")
@authenticated()
def beams_auth():
    """---
    get:
      tags: [presence]
      summary: The Pusher Beams token for the calling dealer (the Beams SDK's token provider)
      description: >
        `user_id` must be the caller's own account id: pushes are published to dealers by their
        account id. Only an active dealer, as the replica of accounts knows them now.
      security: [{apikey: [], jwt: []}]
      parameters:
        - {in: query, name: user_id, required: true, schema: {type: string},
           description: "The caller's account id."}
      responses:
        200: {description: "`{token}`: the Beams token for that user id."}
        400: No `user_id`.
        401: No valid, unrevoked JWT.
        403: "`user_id` is not the caller's, or the caller is not an active dealer."
        503: Push notifications are not configured (no BEAMS_INSTANCE_ID / BEAMS_SECRET_KEY).
    """
    c = container()
    issue = c.beams.generate_token if c.beams is not None else None
    return beams_token(c.uow(), issue, g.principal, request.args.get("user_id"))
