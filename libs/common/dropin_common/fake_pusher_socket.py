"""The WebSocket half of the Pusher stand-in: Pusher Channels protocol 7, enough for `pusher-js`.

What a real client sees, as Pusher does it:
- `ws://host:port/app/<key>?protocol=7...` answers `pusher:connection_established` with a
  `socket_id`; an unknown key gets `pusher:error` 4001 and a close, a protocol below 5 gets 4007.
- `pusher:ping` is answered `pusher:pong`; a silent client is pinged after `activity_timeout`
  seconds and closed (4201) when it does not answer.
- `pusher:subscribe`: public channels need nothing; `private-` channels need
  `auth = "<key>:" + HMAC-SHA256(secret, "<socket_id>:<channel>")`, `presence-` channels
  `HMAC-SHA256(secret, "<socket_id>:<channel>:<channel_data>")` (exactly the string the server
  libraries sign, see `pusher.Pusher.authenticate`). A bad signature is a
  `pusher:subscription_error`; the socket stays open.
- presence channels: `subscription_succeeded` lists the members; the others get
  `pusher_internal:member_added` / `member_removed` when a user's first socket joins or last leaves.
- `client-*` events are refused (`pusher:error`) unless client events are enabled, and then go
  only to the other sockets on a private or presence channel the sender is subscribed to.
- Events the services trigger through the REST API (`deliver`) reach every subscribed socket,
  except the `socket_id` the trigger excluded.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

log = logging.getLogger("dropin.fake_pusher")

PROTOCOL = 7
PONG_WAIT_SECONDS = 30


@dataclass(frozen=True)
class Member:
    user_id: str
    user_info: object = None


@dataclass(eq=False)
class Client:
    connection: ServerConnection
    socket_id: str
    # channel -> presence member (None on private/public channels)
    channels: dict[str, Member | None] = field(default_factory=dict)


def _message(event: str, data, channel: str | None = None) -> str:
    body = {"event": event, "data": data}
    if channel is not None:
        body["channel"] = channel
    return json.dumps(body)


def sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


class PusherSocketServer:
    def __init__(self, key: str, secret: str, host: str = "127.0.0.1", port: int = 0, *,
                 client_events: bool = False, activity_timeout: int = 120):
        self.key, self.secret = key, secret
        self.host, self.port = host, port
        self.client_events = client_events
        self.activity_timeout = activity_timeout
        self._clients: set[Client] = set()
        self._channels: dict[str, set[Client]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Future | None = None

    # --- lifecycle (a thread of its own, so the REST half and tests stay synchronous) ----------

    def start(self) -> PusherSocketServer:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True, name="pusher-ws")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the Pusher WebSocket server did not start")
        return self

    def _run(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._serve(ready))

    async def _serve(self, ready: threading.Event) -> None:
        self._stopped = asyncio.get_running_loop().create_future()
        async with serve(self._handle, self.host, self.port) as server:
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await self._stopped

    def stop(self) -> None:
        if self._loop and self._stopped and not self._stopped.done():
            self._loop.call_soon_threadsafe(self._stopped.set_result, None)
        if self._thread:
            self._thread.join(10)

    # --- what the REST half and tests call, from any thread ------------------------------------

    def deliver(self, channels: list[str], event: str, data: str, exclude_socket_id: str | None = None) -> None:
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._deliver, channels, event, data, exclude_socket_id)

    def subscriber_counts(self) -> dict[str, int]:
        if self._loop is None:
            return {}
        future = asyncio.run_coroutine_threadsafe(self._counts(), self._loop)
        return future.result(5)

    async def _counts(self) -> dict[str, int]:
        return {name: len(clients) for name, clients in self._channels.items() if clients}

    # --- the protocol ---------------------------------------------------------------------------

    def _deliver(self, channels: list[str], event: str, data: str, exclude_socket_id: str | None) -> None:
        for channel in channels:
            for client in list(self._channels.get(channel, ())):
                if client.socket_id != exclude_socket_id:
                    self._send(client, _message(event, data, channel))

    def _send(self, client: Client, text: str) -> None:
        asyncio.ensure_future(self._send_now(client, text))

    @staticmethod
    async def _send_now(client: Client, text: str) -> None:
        try:
            await client.connection.send(text)
        except ConnectionClosed:
            pass

    async def _handle(self, connection: ServerConnection) -> None:
        refusal = self._refusal(connection.request.path if connection.request else "/")
        if refusal:
            code, reason = refusal
            await connection.send(_message("pusher:error", {"code": code, "message": reason}))
            await connection.close(code, reason)
            return
        client = Client(connection, f"{secrets.randbelow(10**9)}.{secrets.randbelow(10**9)}")
        self._clients.add(client)
        try:
            await connection.send(_message("pusher:connection_established", json.dumps(
                {"socket_id": client.socket_id, "activity_timeout": self.activity_timeout})))
            await self._read_loop(client)
        except ConnectionClosed:
            pass
        finally:
            self._clients.discard(client)
            for channel in list(client.channels):
                self._unsubscribe(client, channel)

    def _refusal(self, path: str) -> tuple[int, str] | None:
        parts = urlsplit(path)
        if parts.path.rstrip("/") != f"/app/{self.key}":
            key = parts.path.rsplit("/", 1)[-1]
            return 4001, f"App key {key} not in this cluster. Did you forget to specify the cluster?"
        protocol = (parse_qs(parts.query).get("protocol") or ["0"])[0]
        if not protocol.isdigit() or not 5 <= int(protocol) <= PROTOCOL:
            return 4007, "Unsupported protocol version"
        return None

    async def _read_loop(self, client: Client) -> None:
        pinged = False
        while True:
            wait = PONG_WAIT_SECONDS if pinged else self.activity_timeout
            try:
                raw = await asyncio.wait_for(client.connection.recv(), timeout=wait)
            except TimeoutError:
                if pinged:
                    await client.connection.close(4201, "Pong reply not received")
                    return
                pinged = True
                await client.connection.send(_message("pusher:ping", {}))
                continue
            pinged = False
            self._on_message(client, raw)

    def _on_message(self, client: Client, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
            event = message["event"]
        except (ValueError, TypeError, KeyError):
            return self._error(client, None, "Invalid message: expected JSON with an event name")
        data = message.get("data")
        if isinstance(data, str) and event.startswith("pusher:"):
            try:
                data = json.loads(data)
            except ValueError:
                pass
        if event == "pusher:ping":
            self._send(client, _message("pusher:pong", {}))
        elif event == "pusher:subscribe" and isinstance(data, dict):
            self._subscribe(client, data)
        elif event == "pusher:unsubscribe" and isinstance(data, dict):
            self._unsubscribe(client, str(data.get("channel", "")))
        elif event.startswith("client-"):
            self._client_event(client, event, message.get("channel"), message.get("data"))

    def _error(self, client: Client, code: int | None, text: str) -> None:
        self._send(client, _message("pusher:error", {"code": code, "message": text}))

    def _subscribe(self, client: Client, data: dict) -> None:
        channel = str(data.get("channel") or "")
        if not channel:
            return self._error(client, None, "pusher:subscribe needs a channel")
        member: Member | None = None
        if channel.startswith(("private-", "presence-")):
            channel_data = data.get("channel_data") if channel.startswith("presence-") else None
            signed = f"{client.socket_id}:{channel}" + (f":{channel_data}" if channel_data is not None else "")
            expected = f"{self.key}:{sign(self.secret, signed)}"
            if not hmac.compare_digest(expected, str(data.get("auth") or "")):
                return self._subscription_error(client, channel, f"Invalid signature: Expected HMAC SHA256 "
                                                f"hex digest of {signed}, but got {data.get('auth')}")
            if channel.startswith("presence-"):
                member = self._member(channel_data)
                if member is None:
                    return self._subscription_error(client, channel, "channel_data must be JSON with a user_id")
        joined_before = self._users(channel)
        client.channels[channel] = member
        self._channels.setdefault(channel, set()).add(client)
        succeeded = {}
        if member is not None:
            members = {m.user_id: m.user_info for c in self._channels[channel]
                       if (m := c.channels.get(channel)) is not None}
            succeeded = {"presence": {"ids": list(members), "hash": members, "count": len(members)}}
            if member.user_id not in joined_before:
                self._to_others(client, channel, _message(
                    "pusher_internal:member_added", json.dumps({"user_id": member.user_id,
                                                                "user_info": member.user_info}), channel))
        self._send(client, _message("pusher_internal:subscription_succeeded", json.dumps(succeeded), channel))

    @staticmethod
    def _member(channel_data) -> Member | None:
        try:
            parsed = json.loads(channel_data)
            return Member(str(parsed["user_id"]), parsed.get("user_info"))
        except (TypeError, ValueError, KeyError):
            return None

    def _subscription_error(self, client: Client, channel: str, text: str) -> None:
        self._send(client, _message("pusher:subscription_error",
                                    {"type": "AuthError", "error": text, "status": 401}, channel))

    def _users(self, channel: str) -> set[str]:
        return {m.user_id for c in self._channels.get(channel, ()) if (m := c.channels.get(channel))}

    def _unsubscribe(self, client: Client, channel: str) -> None:
        if channel not in client.channels:
            return
        member = client.channels.pop(channel)
        self._channels[channel].discard(client)
        if member is not None and member.user_id not in self._users(channel):
            self._to_others(client, channel, _message(
                "pusher_internal:member_removed", json.dumps({"user_id": member.user_id}), channel))
        if not self._channels[channel]:
            del self._channels[channel]

    def _to_others(self, sender: Client, channel: str, text: str) -> None:
        for other in self._channels.get(channel, ()):
            if other is not sender:
                self._send(other, text)

    def _client_event(self, client: Client, event: str, channel, data) -> None:
        if not self.client_events:
            return self._error(client, None, "To send client events, you must enable this feature in the "
                                             "Settings page of your dashboard.")
        if not isinstance(channel, str) or not channel.startswith(("private-", "presence-")):
            return self._error(client, None, "Client event rejected - only supported on private and presence channels")
        if channel not in client.channels:
            return self._error(client, None, f"Client event rejected - not subscribed to {channel}")
        body = {"event": event, "channel": channel, "data": data}
        member = client.channels[channel]
        if member is not None:
            body["user_id"] = member.user_id
        self._to_others(client, channel, json.dumps(body))
