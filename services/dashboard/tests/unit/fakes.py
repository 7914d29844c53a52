"""In-memory stand-ins for the ports, for use-case tests."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from dropin_dashboard.domain.records import Account, Lead, Organization, Shopper, StreamSnapshot
from dropin_dashboard.ports import ProjectionStore


@dataclass
class StoredCall:
    snapshot: StreamSnapshot
    shopper: Shopper
    lead_count: int = 0


@dataclass
class FakeProjectionStore(ProjectionStore):
    calls: dict[str, StoredCall] = field(default_factory=dict)
    leads: dict[str, tuple[Lead, str | None]] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    revocations: list[dict] = field(default_factory=list)
    locks: list[str] = field(default_factory=list)

    def lock(self, *keys: str) -> None:
        self.locks.extend(keys)

    def call_version(self, stream_id: str) -> int | None:
        call = self.calls.get(stream_id)
        return call.snapshot.version if call else None

    def save_call(self, snapshot: StreamSnapshot, shopper: Shopper) -> None:
        stored = self.calls.get(snapshot.id)
        if snapshot.dealers_rung is None and stored is not None:
            snapshot = replace(snapshot, dealers_rung=stored.snapshot.dealers_rung)
        leads = sum(1 for lead, _ in self.leads.values() if lead.stream_id == snapshot.id)
        self.calls[snapshot.id] = StoredCall(snapshot, shopper, leads)

    def set_dealers_rung(self, stream_id: str, dealers_rung: int) -> None:
        call = self.calls.get(stream_id)
        if call is not None and call.snapshot.dealers_rung is None:
            call.snapshot = replace(call.snapshot, dealers_rung=dealers_rung)

    def refresh_call_lead_count(self, stream_id: str) -> None:
        if stream_id in self.calls:
            self.calls[stream_id].lead_count = sum(1 for lead, _ in self.leads.values() if lead.stream_id == stream_id)

    def set_call_shopper(self, stream_id: str, shopper: Shopper) -> None:
        if stream_id in self.calls:
            self.calls[stream_id].shopper = shopper

    def call_status(self, stream_id: str) -> str | None:
        call = self.calls.get(stream_id)
        return call.snapshot.status if call else None

    def save_lead(self, lead: Lead, call_status: str | None) -> None:
        self.leads[lead.id] = (lead, call_status)

    def latest_shopper(self, stream_id: str) -> Shopper | None:
        leads = sorted((lead for lead, _ in self.leads.values() if lead.stream_id == stream_id),
                       key=lambda lead: (lead.created_at, lead.id))
        return leads[-1].shopper if leads else None

    def set_leads_call_status(self, stream_id: str, status: str) -> None:
        for lead_id, (lead, _) in list(self.leads.items()):
            if lead.stream_id == stream_id:
                self.leads[lead_id] = (lead, status)

    def organization_updated_at(self, organization_id: str) -> datetime | None:
        org = self.organizations.get(organization_id)
        return org.updated_at if org else None

    def ensure_organization(self, organization_id: str, name: str, code: str | None) -> str:
        return self.organizations.setdefault(organization_id,
                                             Organization(organization_id, name, code, None, None, None)).name

    def save_organization(self, organization: Organization) -> None:
        self.organizations[organization.id] = organization

    def rename_organization_records(self, organization_id: str, name: str) -> None:
        for call in self.calls.values():
            if call.snapshot.organization_id == organization_id:
                call.snapshot = replace(call.snapshot, organization_name=name)
        for lead_id, (lead, status) in list(self.leads.items()):
            if lead.organization_id == organization_id:
                self.leads[lead_id] = (replace(lead, organization_name=name), status)

    def account_updated_at(self, account_id: str) -> datetime | None:
        account = self.accounts.get(account_id)
        return account.updated_at if account else None

    def save_account(self, account: Account) -> None:
        self.accounts[account.id] = account

    def revoke_tokens(self, revocation: dict) -> None:
        self.revocations.append(revocation)
