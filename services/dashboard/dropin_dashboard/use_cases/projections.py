"""Event handlers that keep the read models current.

Each runs on the consumer's transaction (the inbox row commits with it, so a redelivered event is
skipped before it gets here). Events for one record may come in any order: a stream snapshot is
applied only when its `version` is newer, an account or organization only when its `updatedAt` is,
and a lead's shopper is merged onto its call whichever of the two arrives first.
"""
from __future__ import annotations

from dataclasses import replace

from dropin_common.contracts.auth import AccountTokensRevoked

from ..domain.records import Account, Lead, Organization, Shopper, StreamSnapshot
from ..ports import ProjectionStore


def _stream_key(stream_id: str) -> str:
    return f"stream:{stream_id}"


def _organization_lock(organization_id: str | None, carried_name: str | None) -> tuple[str, ...]:
    """The organization's lock, when its name is to be read (see _current_organization_name). It is
    taken with the record's own, always after it: one order everywhere, so no deadlock."""
    return (f"organization:{organization_id}",) if organization_id and carried_name else ()


def _current_organization_name(store: ProjectionStore, organization_id: str | None, carried_name: str | None,
                               code: str | None) -> str | None:
    """Every organization a call or lead names is in the organizations read model (a stand-in from
    the carried name until its own event arrives), and its current name wins over the carried one,
    which may predate a rename. So the organizationName filter can go through organizations. The
    caller holds the organization's lock, so a rename cannot slip between this read and the commit."""
    if not organization_id or not carried_name:
        return carried_name
    return store.ensure_organization(organization_id, carried_name, code) or carried_name


def apply_stream_snapshot(store: ProjectionStore, snapshot: StreamSnapshot) -> bool:
    """Returns False when a newer snapshot of the stream was applied already."""
    store.lock(_stream_key(snapshot.id), *_organization_lock(snapshot.organization_id, snapshot.organization_name))
    if not snapshot.supersedes(store.call_version(snapshot.id)):
        if snapshot.dealers_rung is not None:  # stream.requested after a later snapshot: only this is new
            store.set_dealers_rung(snapshot.id, snapshot.dealers_rung)
        return False
    snapshot = replace(snapshot, organization_name=_current_organization_name(
        store, snapshot.organization_id, snapshot.organization_name, snapshot.organization_code))
    # The leads before the call, as apply_lead does: consumers running side by side then update
    # the shared counts in one order and never wait on each other in a cycle.
    store.set_leads_call_status(snapshot.id, snapshot.status)
    store.save_call(snapshot, store.latest_shopper(snapshot.id) or Shopper())
    return True


def apply_lead(store: ProjectionStore, lead: Lead) -> None:
    # Its stream's lock, or its own: two copies of one lead are never written side by side.
    store.lock(_stream_key(lead.stream_id) if lead.stream_id is not None else f"lead:{lead.id}",
               *_organization_lock(lead.organization_id, lead.organization_name))
    lead = replace(lead, organization_name=_current_organization_name(
        store, lead.organization_id, lead.organization_name, None))
    if lead.stream_id is None:
        store.save_lead(lead, call_status=None)
        return
    store.save_lead(lead, call_status=store.call_status(lead.stream_id))
    # The newest lead's shopper, so two leads for one stream end the same in any order.
    shopper = store.latest_shopper(lead.stream_id)
    if shopper is not None:
        store.set_call_shopper(lead.stream_id, shopper)
    store.refresh_call_lead_count(lead.stream_id)


def apply_organization(store: ProjectionStore, organization: Organization) -> bool:
    store.lock(f"organization:{organization.id}")
    if not organization.supersedes(store.organization_updated_at(organization.id)):
        return False
    store.save_organization(organization)
    store.rename_organization_records(organization.id, organization.name)
    return True


def apply_account(store: ProjectionStore, account: Account) -> bool:
    store.lock(f"account:{account.id}")
    if not account.supersedes(store.account_updated_at(account.id)):
        return False
    store.save_account(account)
    return True


def apply_token_revocation(store: ProjectionStore, revocation: AccountTokensRevoked) -> None:
    store.revoke_tokens(revocation)

