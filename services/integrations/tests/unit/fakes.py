"""In-memory adapters of the ports, for the use cases' unit tests."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from dropin_integrations.domain.deliveries import Delivery, PlannedDelivery
from dropin_integrations.domain.records import AccountRecord, LeadRecord, OrganizationSettings, StreamRecord
from dropin_integrations.domain.webhooks import WebhookEndpoint
from dropin_integrations.ports import DeliveryFilter, DeliveryLog, Replica, Stores, UnitOfWork, Webhooks

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _newer(stored, incoming) -> bool:
    return stored is None or (incoming is not None and stored < incoming)


class MemoryReplica(Replica):
    def __init__(self):
        self.organizations: dict[str, OrganizationSettings] = {}
        self.accounts: dict[str, AccountRecord] = {}
        self.streams: dict[str, StreamRecord] = {}
        self.leads: dict[str, LeadRecord] = {}
        self.crm_planned: set[str] = set()
        self.alerts_planned: set[str] = set()

    def organization(self, organization_id):
        return self.organizations.get(organization_id)

    def save_organization(self, organization):
        stored = self.organizations.get(organization.id)
        if stored is not None and not _newer(stored.updated_at, organization.updated_at):
            return False
        self.organizations[organization.id] = organization
        return True

    def account(self, account_id):
        return self.accounts.get(account_id)

    def save_account(self, account):
        stored = self.accounts.get(account.id)
        if stored is not None and not _newer(stored.updated_at, account.updated_at):
            return False
        self.accounts[account.id] = account
        return True

    def stream(self, stream_id):
        return self.streams.get(stream_id)

    def save_stream(self, stream):
        stored = self.streams.get(stream.id)
        if stored is not None and stored.version >= stream.version:
            return False
        self.streams[stream.id] = stream
        return True

    def add_lead(self, lead):
        if lead.id in self.leads:
            return False
        self.leads[lead.id] = lead
        return True

    def leads_awaiting_crm(self, stream_id):
        return [lead for lead in self.leads.values()
                if lead.stream_id == stream_id and lead.id not in self.crm_planned]

    def leads_awaiting_organization(self, organization_id):
        return [lead for lead in self.leads.values()
                if lead.organization_id == organization_id and lead.id not in self.crm_planned]

    def mark_crm_planned(self, lead_id):
        self.crm_planned.add(lead_id)

    def missed_streams_awaiting_alerts(self, organization_id):
        return [stream for stream in self.streams.values()
                if stream.organization_id == organization_id and stream.status == "missed"
                and stream.id not in self.alerts_planned]

    def mark_alerts_planned(self, stream_id):
        self.alerts_planned.add(stream_id)


class MemoryWebhooks(Webhooks):
    def __init__(self):
        self.endpoints: dict[str, WebhookEndpoint] = {}

    def add(self, endpoint):
        self.endpoints[endpoint.id] = endpoint

    def get(self, endpoint_id):
        return self.endpoints.get(endpoint_id)

    def delete(self, endpoint_id):
        self.endpoints.pop(endpoint_id, None)

    def list(self, organization_id, skip, limit):
        found = [e for e in self.endpoints.values() if organization_id in (None, e.organization_id)]
        return found[skip:skip + limit]

    def subscribed(self, organization_id, event_type):
        return [e for e in self.endpoints.values()
                if e.organization_id == organization_id and event_type in e.events]


@dataclass
class StoredDelivery:
    planned: PlannedDelivery
    delivery: Delivery


class MemoryDeliveryLog(DeliveryLog):
    def __init__(self):
        self.rows: list[StoredDelivery] = []

    @property
    def planned(self) -> list[PlannedDelivery]:
        return [row.planned for row in self.rows]

    def plan(self, delivery):
        if any(row.planned.dedup_key == delivery.dedup_key for row in self.rows):
            return False
        record = Delivery(id=len(self.rows) + 1, kind=delivery.kind, organization_id=delivery.organization_id,
                          target=delivery.target, subject_id=delivery.subject_id, event_type=delivery.event_type,
                          attempts=0, last_error=None, created_at=NOW, next_attempt_at=NOW, sent_at=None,
                          given_up_at=None)
        self.rows.append(StoredDelivery(delivery, record))
        return True

    def get(self, delivery_id):
        return next((row.delivery for row in self.rows if row.delivery.id == delivery_id), None)

    def find(self, criteria, skip, limit):
        found = [row.delivery for row in reversed(self.rows) if self._matches(row, criteria)]
        return found[skip:skip + limit]

    def count(self, criteria):
        return sum(1 for row in self.rows if self._matches(row, criteria))

    def send_again(self, delivery_id):
        for row in self.rows:
            if row.delivery.id == delivery_id:
                row.delivery = replace(row.delivery, given_up_at=None, attempts=0, next_attempt_at=NOW)

    def set_aside_for_endpoint(self, endpoint_id, reason):
        count = 0
        for row in self.rows:
            if row.planned.payload.get("endpointId") == endpoint_id and row.delivery.status in ("pending", "failed"):
                row.delivery = replace(row.delivery, given_up_at=NOW, last_error=reason)
                count += 1
        return count

    def give_up(self, delivery_id, error="refused"):
        for row in self.rows:
            if row.delivery.id == delivery_id:
                row.delivery = replace(row.delivery, given_up_at=NOW, attempts=5, last_error=error)

    @staticmethod
    def _matches(row, criteria: DeliveryFilter) -> bool:
        d = row.delivery
        return (criteria.organization_id in (None, d.organization_id)
                and (not criteria.kinds or d.kind in criteria.kinds)
                and (not criteria.statuses or d.status in criteria.statuses))


class MemoryStores(Stores):
    def __init__(self):
        self.replica = MemoryReplica()
        self.webhooks = MemoryWebhooks()
        self.deliveries = MemoryDeliveryLog()


class MemoryUnitOfWork(UnitOfWork):
    """Shares one MemoryStores (nothing to commit or roll back in these tests)."""

    def __init__(self, stores: MemoryStores):
        self.replica, self.webhooks, self.deliveries = stores.replica, stores.webhooks, stores.deliveries

    def commit(self):
        pass

    def rollback(self):
        pass
