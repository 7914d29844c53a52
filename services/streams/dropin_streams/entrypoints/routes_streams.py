"""A stream's life: a shopper requests it, dealers ring and accept, either side stops it; the dealer's
heartbeat; reading streams."""
from __future__ import annotations

from flask import g

from dropin_common import metrics
from dropin_common.api import REPLICA_BEHIND, Blueprint
from dropin_common.auth import ROLE_DEALER
from dropin_common.http import optional_principal
from dropin_common.timeutil import iso

from ..domain.stream import MISSED_CLOSED
from ..use_cases import accept_stream, request_stream, stop_stream
from ..use_cases import stream_activity as activity
from ..use_cases.availability import check_availability
from ..use_cases.push_auth import beams_token
from ..use_cases.snapshots import stream_view
from . import schemas
from .request_context import STREAM_FOR_CALLER, container, replica_grace, stream_for_caller

api = Blueprint("streams", __name__)
RATE_LIMITED = "Too many requests from this client (`rate_limited`, the gateway's limit)."


def iso_with_offset(moment) -> str | None:
    """In the organization's own zone (not UTC), so a shopper's page can show it as is."""
    return moment.isoformat() if moment is not None else None


@api.post("/streams/request/<organization_code>")
@api.arguments(schemas.RequestStreamSchema)
@api.response(201, schemas.RequestedStreamAnswer, description=(
    "The new stream, whole (no note, logs or dealer yet), with `streamToken`, `notifiedDealers` (the "
    "dealers rung) and, when `missedReason` is `closed`, `nextOpenAt`. Later reads without the "
    "organization's JWT get only the shopper's fields (see `GET /streams/{streamId}`)."))
@api.errors({400: "A missing or blank `vin`, an over-long field, or a `year` outside 1900-2100.",
             404: "`organization_not_found`: no active organization has that code.",
             429: RATE_LIMITED, 503: REPLICA_BEHIND})
def request_a_stream(body, organization_code: str):
    """A shopper asks an organization for a live walk-around of a vehicle.

    No login: the shopper's app calls it with the gateway's apikey only. The stream starts
    `requested`; a `stream.requested` event is published, a Pusher message goes to the
    organization's channel and to each online, active dealer's channel, and a push notification
    (Pusher Beams, living as long as the ring timeout) to each of those dealers, so their apps ring,
    in the background too. A dealer counts as online while they ping (`POST /ping`) at least every
    PRESENCE_TIMEOUT_SECONDS. Outside the organization's business hours, or with nobody online,
    nothing rings: the stream is answered at once as `missed` with `missedReason` `closed` (and
    `nextOpenAt`) or `nobody_online`, and `notifiedDealers` 0; it still produces `stream.requested`
    and `stream.stopped`. The VIN is decoded best effort; the make, model, type and year sent win
    over decoded ones. The `streamToken`, shown only here, lets the shopper subscribe to the
    stream's Pusher channel (`POST /socket/auth`).
    """
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
@api.response(200, schemas.AvailabilityAnswer)
@api.errors({404: "`organization_not_found`: no active organization has that code.", 429: RATE_LIMITED})
def availability(organization_code: str):
    """Whether a request now would ring anybody (for the shopper's page, before the button).

    No login, like the request, and rate-limited at the gateway like it. `open` follows the
    organization's business hours; `dealersOnline` counts its active dealers switched online who
    pinged within PRESENCE_TIMEOUT_SECONDS.
    """
    c = container()
    found = check_availability(c.reader(), organization_code, c.clock(), c.settings.ringing.presence)
    return {"open": found.open, "dealersOnline": found.dealers_online,
            "nextOpenAt": iso_with_offset(found.next_open_at)}


@api.post("/streams/accept/<stream_id>")
@api.authenticated(ROLE_DEALER, forbidden=(
    "Not a dealer (`forbidden_role`), a switched-off account (`account_inactive`), or not an active dealer of "
    "the stream's organization."))
@api.response(200, schemas.StreamAnswer, description="The accepted stream, now `streaming`, with its dealer.")
@api.errors({404: "`stream_not_found`: no such stream.",
             409: "`stream_not_requested`: another dealer accepted it first, or it is no longer requested.",
             503: REPLICA_BEHIND})
def accept(stream_id: str):
    """A dealer accepts a ringing stream; the first accept wins.

    Only an active dealer of the stream's organization, as the replica of accounts knows them now
    (not the token's claims). The stream goes `requested` -> `streaming`; a `stream.accepted` event
    is published and a Pusher message goes to the organization's channel (the other dealers' apps
    stop ringing) and to the stream's channel. Every later accept, and any accept of a stream that
    is no longer `requested`, gets 409.
    """
    c = container()
    stream = replica_grace(lambda: accept_stream.accept_stream(c.uow(), g.principal, stream_id, c.clock()),
                           "not_a_dealer_of_organization")
    metrics.STREAMS.labels("accepted").inc()
    if stream.accepted_at is not None:
        metrics.TIME_TO_ANSWER.observe(max(0.0, (stream.accepted_at - stream.requested_at).total_seconds()))
    return stream_view(stream)


@api.post("/streams/stop/<stream_id>")
@api.optional_jwt()
@api.response(200, STREAM_FOR_CALLER, description=(
    "The ended stream, as `GET /streams/{streamId}` answers the same caller (without the "
    "organization's JWT, only the shopper's fields)."))
@api.errors({403: "`not_your_stream`: the JWT belongs to another organization.",
             404: "`stream_not_found`: no such stream.",
             409: "The stream kept changing while stopping it; try again.", 503: REPLICA_BEHIND})
def stop(stream_id: str):
    """Either side ends a stream (idempotent).

    No login needed: the stream id is the shopper's capability. A JWT, when sent, must be an
    admin's or belong to the stream's organization. A `requested` stream becomes `missed`, a
    `streaming` one `completed`; `stoppedBy` records who stopped it: `shopper` (no JWT), `dealer`
    (the stream's dealer), `colleague` (another dealer of the organization) or `admin` (`system` is
    the worker's timeouts). A `stream.stopped` event is published and a Pusher message goes to the
    stream's and the organization's channels. Stopping an ended stream answers it unchanged and
    publishes nothing.
    """
    c = container()
    seen = stop_stream.stop_stream(c.uow(), stream_id, optional_principal(), c.clock())
    return stream_for_caller(seen)


@api.get("/streams/<stream_id>")
@api.optional_jwt()
@api.response(200, STREAM_FOR_CALLER, description=(
    "With a JWT of the stream's organization (or an admin's): the whole stream. Without: what the "
    "shopper's app needs (`dealer` as `{firstName}`, null until accepted)."))
@api.errors({403: "`not_your_stream`: the JWT belongs to another organization.",
             404: "`stream_not_found`: no such stream.", 503: REPLICA_BEHIND})
def get_stream(stream_id: str):
    """One stream; its internals only for its organization.

    No login needed; the stream id (a UUIDv7: its creation time, then 74 random bits) is the
    shopper's capability. A JWT of another organization is refused.
    """
    return stream_for_caller(activity.get_stream(container().reader(), stream_id, optional_principal()))


@api.get("/streams")
@api.authenticated(forbidden="`no_organization`: the caller belongs to no organization; or `account_inactive`.")
@api.filters(schemas.StreamListSchema)
@api.response(200, schemas.StreamAnswer(many=True), description="Streams, newest first (as `GET /streams/{streamId}`).")
@api.errors({400: "An unknown `status`, or a bad `skip` or `limit`; the error's `field` names it.",
             503: REPLICA_BEHIND})
def list_streams(filters):
    """Streams, newest first.

    An admin sees every stream; a dealer those of their organization.
    """
    streams = activity.list_streams(container().reader(), g.principal, statuses=filters["status"],
                                    skip=filters["skip"], limit=filters["limit"])
    return [stream_view(stream) for stream in streams]


@api.post("/ping", tags=["presence"])
@api.authenticated(ROLE_DEALER)
@api.response(200, schemas.PingAnswer)
@api.errors({503: REPLICA_BEHIND})
def ping():
    """A dealer's heartbeat, while online and during a stream.

    Dealers only. A `streaming` stream whose dealer sent no ping (or, before the first one, was not
    accepted) within the ping timeout is expired by the worker. A dealer switched online who sends
    no ping for PRESENCE_TIMEOUT_SECONDS (default 120) stops ringing and is switched offline.
    """
    c = container()
    pinged_at = activity.record_ping(c.uow(), g.principal, c.clock())
    return {"dealerId": g.principal.account_id, "pingedAt": iso(pinged_at)}


@api.get("/pusher/beams-auth", tags=["presence"])
@api.authenticated(forbidden="`user_id` is not the caller's, or the caller is not an active dealer.")
@api.filters(schemas.BeamsAuthSchema)
@api.response(200, schemas.BeamsTokenAnswer, description="The Beams token for that user id.")
@api.errors({400: "No `user_id`.",
             503: {**REPLICA_BEHIND, "description": "`push_disabled`: push notifications are not configured (no "
                   f"BEAMS_INSTANCE_ID / BEAMS_SECRET_KEY); or {REPLICA_BEHIND['description']}"}})
def beams_auth(query):
    """The Pusher Beams token for the calling dealer (the Beams SDK's token provider).

    `user_id` must be the caller's own account id: pushes are published to dealers by their account
    id. Only an active dealer, as the replica of accounts knows them now.
    """
    c = container()
    issue = c.beams.generate_token if c.beams is not None else None
    return beams_token(c.uow(), issue, g.principal, query["user_id"])
