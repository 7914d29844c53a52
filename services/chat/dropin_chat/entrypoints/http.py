"""The chat HTTP API: `POST /chat/<streamId>` and `GET /chat/<streamId>?start=&limit=`.

History answers `{"messages": [...oldest first], "start", "limit", "total"}`.
"""
from __future__ import annotations

from flask import Blueprint, Flask, request

from dropin_common.readiness import readiness_checks
from dropin_common.http import create_service_app, json_body, optional_principal
from dropin_common.query import load_or_400, parse_filters

from ..bootstrap import Container, bootstrap
from ..use_cases.post_message import PostMessage, post_message
from ..use_cases.read_history import read_history
from ..use_cases.snapshots import message_snapshot
from .schemas import HistoryQuerySchema, PostMessageSchema


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("chat", max_body_bytes=container.settings.common.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
                             verifier=container.verifier,
                             trusted_proxies=container.settings.common.trusted_proxies)
    app.register_blueprint(chat_blueprint(container))
    return app


def chat_blueprint(container: Container) -> Blueprint:
    chat = Blueprint("chat", __name__)

    @chat.post("/chat/<stream_id>", strict_slashes=False)
    def save_message(stream_id: str):
        """---
        post:
          tags: [chat]
          summary: Save a message on a stream and deliver it on the stream's Pusher channel
          description: >
            Without a JWT the sender is the shopper: `from` is a display name (NFKC-normalised, at
            most 100 characters, no control or invisible characters, never an account id or a
            role word such as `dealer`), `shopper` when left out. With a JWT, which must be the
            stream's dealer's or an admin's, `from` must be that account's id or left out. A JWT of
            another organization is refused.
          security: [{apikey: []}, {apikey: [], jwt: []}]
          requestBody:
            required: true
            content: {application/json: {schema: PostMessageSchema}}
          responses:
            201: {description: "The saved message: id, streamId, from, message, createdAt."}
            400: A missing, empty or over-long message, or a bad `from`.
            401: A JWT was sent but is not valid.
            403: >
              `from` is not the caller's account, passes for an account without its token, or the
              JWT is not the stream's dealer's or an admin's (`not_your_stream` for another
              organization's).
            404: No such stream.
        """
        body = load_or_400(PostMessageSchema(), json_body())
        command = PostMessage(stream_id=stream_id, claimed_sender=body["sender"],
                              text=body["message"], principal=optional_principal())
        message = post_message(command, container.replica, container.uow, container.now,
                               container.policy)
        return message_snapshot(message), 201

    @chat.get("/chat/<stream_id>", strict_slashes=False)
    def history(stream_id: str):
        """---
        get:
          tags: [chat]
          summary: A stream's messages, oldest first
          description: >
            No login needed (the stream id is the capability); a JWT, when sent, must be an
            admin's or belong to the stream's organization.
          security: [{apikey: []}, {apikey: [], jwt: []}]
          parameters: [{in: query, schema: HistoryQuerySchema}]
          responses:
            200: {description: "`{messages, start, limit, total}`."}
            400: A bad `start` or `limit`.
            401: A JWT was sent but is not valid.
            403: The JWT belongs to another organization.
            404: No such stream.
        """
        principal = optional_principal()  # a revoked or forged token is refused even where none is needed
        query = parse_filters(HistoryQuerySchema(), request.args)
        page = read_history(stream_id, query["start"], query["limit"], container.replica,
                            container.snapshot_uow, container.policy.replica_wait, principal)
        return {"messages": [message_snapshot(message) for message in page.messages],
                "start": page.start, "limit": page.limit, "total": page.total}

    return chat


