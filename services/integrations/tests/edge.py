"""The use cases as the consumer's edge calls them: a payload (as tests/snapshots.py builds it) is
parsed into its contract first, as dropin_common.consumer does with every event."""
from __future__ import annotations

from dropin_common.contracts import auth, streams
from dropin_integrations.use_cases import plan_deliveries, replication


def on_organization(snapshot, stores, settings):
    return plan_deliveries.on_organization(auth.OrganizationSnapshot.from_data(snapshot), stores, settings)


def on_account(snapshot, stores):
    return plan_deliveries.on_account(auth.AccountSnapshot.from_data(snapshot), stores)


def on_lead_created(snapshot, occurred_at, stores, settings):
    return plan_deliveries.on_lead_created(streams.LeadSnapshot.from_data(snapshot), occurred_at, stores, settings)


def on_stream(snapshot, occurred_at, stores, settings):
    return plan_deliveries.on_stream(streams.StreamSnapshot.from_data(snapshot), occurred_at, stores, settings)


def organization_from(snapshot):
    return replication.organization_from(auth.OrganizationSnapshot.from_data(snapshot))


def lead_from(snapshot, occurred_at):
    return replication.lead_from(streams.LeadSnapshot.from_data(snapshot), occurred_at)


def stream_from(snapshot, occurred_at):
    return replication.stream_from(streams.StreamSnapshot.from_data(snapshot), occurred_at)
