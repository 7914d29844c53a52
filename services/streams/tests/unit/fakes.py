"""In-memory adapters behind the same ports as the SQL ones, for fast use-case tests."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from dropin_common.events import Event

from dropin_streams import ports
from dropin_streams.domain.lead import Lead
from dropin_streams.domain.replica import Account, Organization
from dropin_streams.domain.stream import REQUESTED, STREAMING, Stream, StreamLog


class FakeStreams(ports.StreamRepository):
    def __init__(self, pings: FakePings):
        self.rows: dict[str, Stream] = {}
        self._pings = pings

    def add(self, stream: Stream) -> None:
        self.rows[stream.id] = stream

    def get(self, stream_id: str) -> Stream | None:
        return self.rows.get(stream_id)

    def update(self, stream: Stream, *, expected_status: str) -> bool:
        current = self.rows.get(stream.id)
        if current is None or current.status != expected_status or current.version != stream.version - 1:
            return False
        self.rows[stream.id] = replace(stream, logs=current.logs)
        return True

    def lock(self, stream_id: str) -> None:
        """One thread, one transaction at a time: nothing to wait for."""

    def add_log(self, stream_id: str, log: StreamLog) -> None:
        stream = self.rows[stream_id]
        self.rows[stream_id] = replace(stream, logs=stream.logs + (log,))

    def list(self, query: ports.StreamQuery) -> list[Stream]:
        found = [s for s in self.rows.values()
                 if (query.organization_id is None or s.organization_id == query.organization_id)
                 and (not query.statuses or s.status in query.statuses)]
        found.sort(key=lambda s: s.requested_at, reverse=True)
        return found[query.skip:query.skip + query.limit]

    def claim_overdue(self, *, ring_deadline: datetime, ping_deadline: datetime, limit: int) -> list[Stream]:
        def overdue(stream: Stream) -> bool:
            if stream.status == REQUESTED:
                return stream.requested_at < ring_deadline
            if stream.status == STREAMING:
                last_ping = self._pings.last_ping(stream.dealer_id)
                alive = max(filter(None, (stream.accepted_at, last_ping)))
                return alive < ping_deadline
            return False
        return sorted(filter(overdue, self.rows.values()), key=lambda s: s.requested_at)[:limit]


class FakeOrganizations(ports.OrganizationRepository):
    def __init__(self):
        self.rows: dict[str, Organization] = {}

    def get(self, organization_id: str) -> Organization | None:
        return self.rows.get(organization_id)

    def by_code(self, code: str) -> Organization | None:
        return next((o for o in self.rows.values() if o.code == code), None)

    def by_token_hash(self, token_hash: str) -> Organization | None:
        return next((o for o in self.rows.values() if o.token_hash == token_hash), None)

    def save_if_newer(self, organization: Organization) -> bool:
        current = self.rows.get(organization.id)
        if current is not None and current.updated_at >= organization.updated_at:
            return False
        self.rows[organization.id] = organization
        return True


class FakeAccounts(ports.AccountRepository):
    def __init__(self, pings: FakePings):
        self.rows: dict[str, Account] = {}
        self._pings = pings

    def get(self, account_id: str) -> Account | None:
        return self.rows.get(account_id)

    def online_active_dealers(self, organization_id: str, alive_since: datetime | None = None) -> list[Account]:
        def alive(account: Account) -> bool:
            last_ping = self._pings.last_ping(account.id)
            return alive_since is None or max(filter(None, (account.updated_at, last_ping))) >= alive_since
        return sorted((a for a in self.rows.values()
                       if a.is_active_dealer_of(organization_id) and a.is_online and alive(a)),
                      key=lambda a: a.id)

    def count_online_active_dealers(self, organization_id: str, alive_since: datetime) -> int:
        return len(self.online_active_dealers(organization_id, alive_since))

    def claim_lapsed_dealers(self, alive_since: datetime, limit: int) -> list[tuple[Account, datetime]]:
        found = []
        for account in sorted(self.rows.values(), key=lambda a: a.id):
            last_seen = max(filter(None, (account.updated_at, self._pings.last_ping(account.id))))
            if account.role == "dealer" and account.is_online and last_seen < alive_since:
                found.append((account, last_seen))
        return found[:limit]

    def mark_offline(self, account_id: str) -> None:
        self.rows[account_id] = replace(self.rows[account_id], account_status="offline")

    def save_if_newer(self, account: Account) -> bool:
        current = self.rows.get(account.id)
        if current is not None and current.updated_at >= account.updated_at:
            return False
        self.rows[account.id] = account
        return True


class FakePings(ports.PingRepository):
    def __init__(self):
        self.rows: dict[str, datetime] = {}

    def record(self, dealer_id: str, at: datetime) -> None:
        self.rows[dealer_id] = max(at, self.rows.get(dealer_id, at))

    def last_ping(self, dealer_id: str) -> datetime | None:
        return self.rows.get(dealer_id)


class FakeLeads(ports.LeadRepository):
    def __init__(self):
        self.rows: list[Lead] = []

    def add(self, lead: Lead) -> None:
        self.rows.append(lead)

    def latest_with_email(self, stream_id: str) -> Lead | None:
        return next((lead for lead in reversed(self.rows)
                     if lead.stream_id == stream_id and lead.contact.email), None)


class FakeOutboundMessages(ports.OutboundMessageRepository):
    def __init__(self):
        self.rows: list[ports.OutboundMessage] = []

    def add(self, message: ports.OutboundMessage) -> None:
        self.rows.append(message)

    def for_stream(self, stream_id: str, channel: str) -> list[ports.OutboundMessage]:
        return [m for m in self.rows if m.stream_id == stream_id and m.channel == channel]


class FakeOutbox(ports.Outbox):
    """Keeps only what was committed, like the real outbox table."""

    def __init__(self):
        self.pending: list[tuple[str, str, dict]] = []
        self.sent: list[tuple[str, str, dict]] = []

    def publish(self, event: Event) -> None:
        self.add("broker", event.type, event.to_envelope())

    def add(self, destination: str, topic: str, payload: dict[str, Any]) -> None:
        self.pending.append((destination, topic, payload))

    def events(self, event_type: str | None = None) -> list[dict]:
        return [p for d, t, p in self.sent if d == "broker" and (event_type is None or t == event_type)]

    def pushes(self, topic: str | None = None) -> list[dict]:
        return [p for d, t, p in self.sent if d == "beams" and (topic is None or t == topic)]

    def pusher(self, event_name: str | None = None) -> list[dict]:
        return [p for d, t, p in self.sent if d == "pusher" and (event_name is None or t == event_name)]

    def emails(self) -> list[dict]:
        return [p for d, _t, p in self.sent if d == "email"]


class FakeUnitOfWork(ports.UnitOfWork):
    def __init__(self):
        self.pings = FakePings()
        self.streams = FakeStreams(self.pings)
        self.organizations = FakeOrganizations()
        self.accounts = FakeAccounts(self.pings)
        self.leads = FakeLeads()
        self.outbound_messages = FakeOutboundMessages()
        self.outbox = FakeOutbox()

    def commit(self) -> None:
        self.outbox.sent.extend(self.outbox.pending)
        self.outbox.pending.clear()

    def rollback(self) -> None:
        self.outbox.pending.clear()


class FakeSigner(ports.ChannelSigner):
    def authenticate(self, channel: str, socket_id: str, custom_data: dict | None = None) -> dict:
        answer = {"auth": f"key:signed({socket_id}:{channel})"}
        if custom_data is not None:
            answer["channel_data"] = custom_data
        return answer
