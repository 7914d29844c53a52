"""What the use cases need from the outside world, as small abstract classes."""
from __future__ import annotations

import abc
import builtins
from collections.abc import Callable
from dataclasses import dataclass

from dropin_common.ports import UnitOfWork as BaseUnitOfWork

from .domain.deliveries import Delivery, PlannedDelivery
from .domain.records import AccountRecord, LeadRecord, OrganizationSettings, StreamRecord
from .domain.webhooks import WebhookEndpoint


class Replica(abc.ABC):
    """Organizations, accounts, streams and leads as learnt from events. Each `save_*` stores the
    record only when it is newer than the stored one and says whether it did."""

    @abc.abstractmethod
    def organization(self, organization_id: str) -> OrganizationSettings | None: ...

    @abc.abstractmethod
    def save_organization(self, organization: OrganizationSettings) -> bool: ...

    @abc.abstractmethod
    def account(self, account_id: str) -> AccountRecord | None: ...

    @abc.abstractmethod
    def save_account(self, account: AccountRecord) -> bool: ...

    @abc.abstractmethod
    def stream(self, stream_id: str) -> StreamRecord | None: ...

    @abc.abstractmethod
    def save_stream(self, stream: StreamRecord) -> bool:
        """False when a newer version of the stream is stored already (nothing is saved)."""

    @abc.abstractmethod
    def add_lead(self, lead: LeadRecord) -> bool:
        """False when the lead was known already."""

    @abc.abstractmethod
    def leads_awaiting_crm(self, stream_id: str) -> list[LeadRecord]:
        """Leads of this stream whose CRM mails are not planned yet."""

    @abc.abstractmethod
    def leads_awaiting_organization(self, organization_id: str) -> list[LeadRecord]:
        """Leads of this organization whose CRM mails are not planned yet."""

    @abc.abstractmethod
    def mark_crm_planned(self, lead_id: str) -> None: ...

    @abc.abstractmethod
    def missed_streams_awaiting_alerts(self, organization_id: str) -> list[StreamRecord]:
        """Missed streams of this organization whose alerts are not planned yet."""

    @abc.abstractmethod
    def mark_alerts_planned(self, stream_id: str) -> None: ...


class Webhooks(abc.ABC):
    @abc.abstractmethod
    def add(self, endpoint: WebhookEndpoint) -> None: ...

    @abc.abstractmethod
    def get(self, endpoint_id: str) -> WebhookEndpoint | None: ...

    @abc.abstractmethod
    def delete(self, endpoint_id: str) -> None: ...

    @abc.abstractmethod
    def list(self, organization_id: str | None, skip: int, limit: int) -> builtins.list[WebhookEndpoint]: ...

    @abc.abstractmethod
    def subscribed(self, organization_id: str, event_type: str) -> builtins.list[WebhookEndpoint]: ...


@dataclass(frozen=True)
class DeliveryFilter:
    organization_id: str | None = None
    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()


class DeliveryLog(abc.ABC):
    """The deliveries, which are also the relays' queue."""

    @abc.abstractmethod
    def plan(self, delivery: PlannedDelivery) -> bool:
        """Queues it unless a delivery with its dedup key exists; True when queued."""

    @abc.abstractmethod
    def get(self, delivery_id: int) -> Delivery | None: ...

    @abc.abstractmethod
    def find(self, criteria: DeliveryFilter, skip: int, limit: int) -> list[Delivery]: ...

    @abc.abstractmethod
    def count(self, criteria: DeliveryFilter) -> int: ...

    @abc.abstractmethod
    def send_again(self, delivery_id: int) -> None:
        """A set-aside delivery goes back in the queue with a fresh retry window."""

    @abc.abstractmethod
    def set_aside_for_endpoint(self, endpoint_id: str, reason: str) -> int:
        """Stops the unsent deliveries to a deleted endpoint; returns how many."""


class Stores:
    """Everything the service stores, on one transaction (the consumer's: the event's own)."""
    replica: Replica
    webhooks: Webhooks
    deliveries: DeliveryLog


class UnitOfWork(Stores, BaseUnitOfWork):
    """The same, as a transaction the caller commits: `with uow: ...; uow.commit()`."""


UnitOfWorkFactory = Callable[[], UnitOfWork]
