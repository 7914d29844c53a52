"""The chat HTTP API: `POST /chat/<streamId>` and `GET /chat/<streamId>?start=&limit=`."""
from __future__ import annotations

from flask import Flask, g

from dropin_common.api import REPLICA_BEHIND, Blueprint, service_api
from dropin_common.http import create_service_app
from dropin_common.readiness import readiness_checks

from ..bootstrap import Container, bootstrap
from ..use_cases.post_message import PostMessage, post_message
from ..use_cases.read_history import read_history
from ..use_cases.snapshots import message_snapshot
from .schemas import HistoryQuerySchema, HistorySchema, MessageSchema, PostMessageSchema


def create_app(container: Container | None = None) -> Flask:
    container = container or bootstrap()
    app = create_service_app("chat", max_body_bytes=container.settings.common.max_body_bytes,
                             readiness_checks=readiness_checks(container.engine, container.settings.common.amqp_url),
                             verifier=container.verifier,
                             trusted_proxies=container.settings.common.trusted_proxies)
    service_api(app).register_blueprint(chat_blueprint(container))
    return app


def chat_blueprint(container: Container) -> Blueprint:
    chat = Blueprint("chat", __name__, description="A stream's messages.")

    @chat.post("/chat/<stream_id>", strict_slashes=False)
    @chat.optional_jwt()
    @chat.arguments(PostMessageSchema)
    @chat.response(201, MessageSchema)
    @chat.errors({400: "A missing, empty or over-long message, or a bad `from`.",
                  403: "`from` is not the caller's account, passes for an account without its token, or "
                       "the JWT is not the stream's dealer's or an admin's (`not_your_stream` for another "
                       "organization's).",
                  404: "No such stream.", 503: REPLICA_BEHIND})
    def save_message(body, stream_id: str):
        """Save a message on a stream and deliver it on the stream's Pusher channel

        Without a JWT the sender is the shopper, named by `from`. With a JWT, which must be the
        stream's dealer's or an admin's, `from` must be that account's id or left out. A JWT of
        another organization is refused.
        """
        command = PostMessage(stream_id=stream_id, claimed_sender=body["sender"],
                              text=body["message"], principal=g.principal)
        return message_snapshot(post_message(command, container.replica, container.uow, container.now,
                                             container.policy))

    @chat.get("/chat/<stream_id>", strict_slashes=False)
    @chat.optional_jwt()
    @chat.filters(HistoryQuerySchema)
    @chat.response(200, HistorySchema)
    @chat.errors({400: "A bad `start` or `limit`, or a `query` that is not a JSON object.",
                  403: "The JWT belongs to another organization.", 404: "No such stream.", 503: REPLICA_BEHIND})
    def history(query, stream_id: str):
        """A stream's messages, oldest first

        No login needed (the stream id is the capability); a JWT, when sent, must be an admin's
        or belong to the stream's organization.
        """
        page = read_history(stream_id, query["start"], query["limit"], container.replica,
                            container.snapshot_uow, container.policy.replica_wait, g.principal)
        return {"messages": [message_snapshot(message) for message in page.messages],
                "start": page.start, "limit": page.limit, "total": page.total}

    return chat
