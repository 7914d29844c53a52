"""The small interfaces the use cases need; SQL adapters and in-memory fakes implement them."""
from __future__ import annotations

import abc
import builtins
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from dropin_common.ports import Outbox, UnitOfWork as BaseUnitOfWork

from .domain.lead import Lead
from .domain.replica import Account, Organization
from .domain.stream import Stream, StreamLog
from .domain.vehicle import DecodedVin


@dataclass(frozen=True)
class StreamQuery:
    organization_id: str | None  # None: every organization (admins)
    statuses: Collection[str]
    skip: int
    limit: int


@dataclass(frozen=True)
class OutboundMessage:
    """A message sent to a shopper (the loan link), kept as a record of what was sent."""
    id: str
    stream_id: str
    lead_id: str
    channel: str
    recipient: str
    subject: str
    body: str
    created_at: datetime


class StreamRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, stream: Stream) -> None: ...

    @abc.abstractmethod
    def get(self, stream_id: str) -> Stream | None: ...

    @abc.abstractmethod
    def update(self, stream: Stream, *, expected_status: str) -> bool:
        """Saves `stream` only if the stored row is still `expected_status` at `stream.version - 1`.
        Returns False when another writer got there first (the atomic guard of every transition)."""

    @abc.abstractmethod
    def lock(self, stream_id: str) -> None:
        """Holds the stream's row until the transaction ends, so writers that decide from what the
        stream already has (the loan-link mailer counting its mails) take turns."""

    @abc.abstractmethod
    def add_log(self, stream_id: str, log: StreamLog) -> None: ...

    @abc.abstractmethod
    def list(self, query: StreamQuery) -> builtins.list[Stream]: ...

    @abc.abstractmethod
    def claim_overdue(self, *, ring_deadline: datetime, ping_deadline: datetime,
                      limit: int) -> builtins.list[Stream]:
        """Locks (skipping rows other workers hold) requested streams requested before
        `ring_deadline` and streaming streams whose dealer's last sign of life (last ping, else
        acceptedAt) is before `ping_deadline`."""


class OrganizationRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, organization_id: str) -> Organization | None: ...

    @abc.abstractmethod
    def by_code(self, code: str) -> Organization | None: ...

    @abc.abstractmethod
    def by_token_hash(self, token_hash: str) -> Organization | None: ...

    @abc.abstractmethod
    def save_if_newer(self, organization: Organization) -> bool: ...


class AccountRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, account_id: str) -> Account | None: ...

    @abc.abstractmethod
    def online_active_dealers(self, organization_id: str, alive_since: datetime | None = None) -> list[Account]:
        """Active dealers of the organization switched online and, given `alive_since`, showing a
        sign of life since then (their last ping, or the switch to online itself)."""

    @abc.abstractmethod
    def count_online_active_dealers(self, organization_id: str, alive_since: datetime) -> int: ...

    @abc.abstractmethod
    def claim_lapsed_dealers(self, alive_since: datetime, limit: int) -> list[tuple[Account, datetime]]:
        """Locks (skipping rows other workers hold) dealers still online whose last sign of life
        is before `alive_since`; each with that last sign of life."""

    @abc.abstractmethod
    def mark_offline(self, account_id: str) -> None:
        """Offline in the replica, keeping `updated_at`: auth's own change, when it comes, is newer."""

    @abc.abstractmethod
    def save_if_newer(self, account: Account) -> bool: ...


class PingRepository(abc.ABC):
    @abc.abstractmethod
    def record(self, dealer_id: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def last_ping(self, dealer_id: str) -> datetime | None: ...


class LeadRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, lead: Lead) -> None: ...

    @abc.abstractmethod
    def latest_with_email(self, stream_id: str) -> Lead | None:
        """The stream's newest lead that left an e-mail address."""


class OutboundMessageRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, message: OutboundMessage) -> None: ...

    @abc.abstractmethod
    def for_stream(self, stream_id: str, channel: str) -> list[OutboundMessage]:
        """What was already sent about the stream on `channel`, oldest first."""


class UnitOfWork(BaseUnitOfWork):
    streams: StreamRepository
    organizations: OrganizationRepository
    accounts: AccountRepository
    pings: PingRepository
    leads: LeadRepository
    outbound_messages: OutboundMessageRepository
    outbox: Outbox



class VinDecoder(abc.ABC):
    @abc.abstractmethod
    def decode(self, vin: str) -> DecodedVin:
        """Raises BadRequest (field vinId/vin) for a malformed VIN."""


class ChannelSigner(abc.ABC):
    @abc.abstractmethod
    def authenticate(self, channel: str, socket_id: str, custom_data: dict | None = None) -> dict:
        """The body Pusher's client expects back: {"auth": ..., "channel_data"?: ...}."""
