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
    c = _container()
    return stream_view(replica_grace(
        lambda: accept_stream.accept_stream(c.uow(), g.principal, stream_id, c.clock()),
        "not_a_dealer_of_organization"))


@api.post("/streams/stop/<stream_id>")
def stop(stream_id: str):
    c = _container()
    return stream_view(stop_stream.stop_stream(c.uow(), stream_id, optional_principal(), c.clock()))


@api.get("/streams/<stream_id>")
def get_stream(stream_id: str):
    return stream_view(activity.get_stream(_container().uow(), stream_id))


@api.get("/streams")
@authenticated()
def list_streams():
    filters = parse_filters(schemas.StreamListSchema(), request.args)
    streams = activity.list_streams(_container().uow(), g.principal, statuses=filters["status"],
                                    skip=filters["skip"], limit=filters["limit"])
    return jsonify([stream_view(stream) for stream in streams])


@api.post("/ping")
@authenticated(ROLE_DEALER)
def ping():
    c = _container()
    pinged_at = activity.record_ping(c.uow(), g.principal, c.clock())
    return {"dealerId": g.principal.account_id, "pingedAt": iso(pinged_at)}


@api.post("/streams/log/<stream_id>")
def log(stream_id: str):
    body = load_or_400(schemas.StreamLogSchema(), json_body())
    c = _container()
    entry = activity.log_delivery(c.uow(), stream_id, StreamLog(body["type"], body["code"], c.clock()))
    return {"type": entry.type, "code": entry.code, "at": iso(entry.at)}, 201


@api.post("/streams/note/<stream_id>")
def note(stream_id: str):
    body = load_or_400(schemas.NoteSchema(), json_body())
    return stream_view(activity.note_stream(_container().uow(), stream_id, body["note"], optional_principal()))


@api.post("/streams/sendloanlink/<stream_id>")
def send_loan_link(stream_id: str):
    c = _container()
    message = loan_link.send_loan_link(c.uow(), stream_id, c.settings.mail_from, c.clock(), optional_principal())
    return {"id": message.id, "streamId": message.stream_id, "leadId": message.lead_id,
            "channel": message.channel, "to": message.recipient, "subject": message.subject,
            "body": message.body, "createdAt": iso(message.created_at)}, 202


@api.post("/leads")
def create_lead():
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
    try:
        return decoded_vin_view(_container().decoder.decode(vin_id))
    except InvalidVin as exc:
        raise BadRequest(f"vinId: {exc}", code="invalid_vin", field="vinId") from None


@api.post("/socket/auth")
def authorize_socket():
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


