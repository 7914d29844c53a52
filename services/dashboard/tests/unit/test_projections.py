"""Projection use cases on an in-memory store: order tolerance and lead/call merging."""
import pytest

from dropin_common.contracts.auth import AccountTokensRevoked
from dropin_dashboard.domain.records import Shopper, StreamSnapshot
from dropin_dashboard.use_cases import projections

from tests.payloads import (account_payload, account_record, lead_payload, lead_record, organization_payload,
                            organization_record, stream_payload, stream_record)
from tests.unit.fakes import FakeProjectionStore

DEALER = {"id": "acc-1", "firstName": "Minh", "lastName": "Tran"}


def snapshot(**kwargs) -> StreamSnapshot:
    return stream_record(stream_payload("s-1", **kwargs))


def test_newer_snapshot_replaces_the_call():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=1))
    projections.apply_stream_snapshot(store, snapshot(version=2, status="streaming", dealer=DEALER))
    assert store.calls["s-1"].snapshot.status == "streaming"
    assert store.calls["s-1"].snapshot.dealer.name == "Minh Tran"


def test_stop_arriving_before_request_ends_as_the_stopped_call():
    store = FakeProjectionStore()
    stopped = snapshot(version=3, status="completed", stopped_at="2026-06-16T10:05:00Z", duration_seconds=240)
    assert projections.apply_stream_snapshot(store, stopped)
    assert not projections.apply_stream_snapshot(store, snapshot(version=1))
    assert not projections.apply_stream_snapshot(store, snapshot(version=2, status="streaming"))
    call = store.calls["s-1"].snapshot
    assert (call.status, call.version, call.duration_seconds) == ("completed", 3, 240)


def test_same_version_again_changes_nothing():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=2, status="streaming"))
    assert not projections.apply_stream_snapshot(store, snapshot(version=2, status="missed"))
    assert store.calls["s-1"].snapshot.status == "streaming"


def test_lead_after_its_stream_fills_the_calls_shopper():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=3, status="completed"))
    projections.apply_lead(store, lead_record(lead_payload("s-1")))
    assert store.calls["s-1"].shopper == Shopper("Lan", "Nguyen", "lan@example.com", "+84 90 123 4567")
    assert list(store.leads.values())[0][1] == "completed"


def test_lead_before_its_stream_is_merged_when_the_stream_arrives():
    store = FakeProjectionStore()
    projections.apply_lead(store, lead_record(lead_payload("s-1", first_name="Hoa")))
    assert "s-1" not in store.calls
    projections.apply_stream_snapshot(store, snapshot(version=3, status="completed"))
    assert store.calls["s-1"].shopper.first_name == "Hoa"
    assert list(store.leads.values())[0][1] == "completed"


def test_newest_lead_names_the_shopper_whatever_the_arrival_order():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=1))
    newer = lead_record(lead_payload("s-1", first_name="Second", created_at="2026-06-16T11:00:00Z"))
    older = lead_record(lead_payload("s-1", first_name="First", created_at="2026-06-16T10:30:00Z"))
    projections.apply_lead(store, newer)
    projections.apply_lead(store, older)
    assert store.calls["s-1"].shopper.first_name == "Second"


def test_later_stream_snapshot_keeps_the_leads_call_status_current():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=1))
    projections.apply_lead(store, lead_record(lead_payload("s-1", lead_id="l-1")))
    projections.apply_stream_snapshot(store, snapshot(version=2, status="missed"))
    assert store.leads["l-1"][1] == "missed"


def test_handlers_for_one_stream_lock_the_stream_then_its_organization():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=1))
    projections.apply_lead(store, lead_record(lead_payload("s-1")))
    assert store.locks == ["stream:s-1", "organization:org-1"] * 2  # one order everywhere: no deadlock


def test_a_lead_without_a_stream_locks_itself():
    store = FakeProjectionStore()
    projections.apply_lead(store, lead_record(lead_payload(None, lead_id="l-9")))
    assert store.locks == ["lead:l-9", "organization:org-1"]


def test_organization_first_seen_in_a_stream_stands_in_until_its_own_event():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=1, organization_name="Sunrise Toyota"))
    assert store.organizations["org-1"].name == "Sunrise Toyota"
    assert store.organizations["org-1"].updated_at is None
    assert projections.apply_organization(store, organization_record(
        organization_payload(name="Sunrise Toyota of Hanoi", updated_at="2020-01-01T00:00:00Z")))
    assert store.calls["s-1"].snapshot.organization_name == "Sunrise Toyota of Hanoi"


def test_lead_shows_its_organizations_current_name():
    store = FakeProjectionStore()
    projections.apply_organization(store, organization_record(organization_payload(name="Sunset Toyota")))
    projections.apply_lead(store, lead_record(lead_payload("s-1", lead_id="l-1",
                                                                 organization_name="Sunrise Toyota")))
    assert store.leads["l-1"][0].organization_name == "Sunset Toyota"


def test_older_organization_update_is_ignored():
    store = FakeProjectionStore()
    new = organization_record(organization_payload(name="New name", updated_at="2026-06-02T00:00:00Z"))
    old = organization_record(organization_payload(name="Old name", updated_at="2026-06-01T00:00:00Z"))
    assert projections.apply_organization(store, new)
    assert not projections.apply_organization(store, old)
    assert store.organizations["org-1"].name == "New name"


def test_renamed_organization_is_carried_onto_its_calls_and_leads():
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=1))
    projections.apply_lead(store, lead_record(lead_payload("s-1", lead_id="l-1")))
    projections.apply_organization(store, organization_record(
        organization_payload(name="Sunset Toyota", updated_at="2026-06-20T00:00:00Z")))
    assert store.calls["s-1"].snapshot.organization_name == "Sunset Toyota"
    assert store.leads["l-1"][0].organization_name == "Sunset Toyota"


def test_stream_snapshot_older_than_a_rename_keeps_the_new_name():
    store = FakeProjectionStore()
    projections.apply_organization(store, organization_record(
        organization_payload(name="Sunset Toyota", updated_at="2026-06-20T00:00:00Z")))
    projections.apply_stream_snapshot(store, snapshot(version=1, organization_name="Sunrise Toyota"))
    assert store.calls["s-1"].snapshot.organization_name == "Sunset Toyota"


def test_older_account_snapshot_is_ignored():
    store = FakeProjectionStore()
    projections.apply_account(store, account_record(
        account_payload(status="inactive", updated_at="2026-06-03T00:00:00Z")))
    assert not projections.apply_account(store, account_record(
        account_payload(status="active", updated_at="2026-06-02T00:00:00Z")))
    assert store.accounts["acc-1"].status == "inactive"


def test_token_revocation_is_recorded():
    store = FakeProjectionStore()
    revocation = AccountTokensRevoked(account_id="acc-1", jti="j-1")
    projections.apply_token_revocation(store, revocation)
    assert store.revocations == [revocation]


def test_dealers_rung_from_a_late_requested_event_is_kept_and_later_snapshots_keep_it():
    """A snapshot without dealersRung (events from before streams sent it) never erases a known one."""
    store = FakeProjectionStore()
    projections.apply_stream_snapshot(store, snapshot(version=2, status="streaming", dealer=DEALER))
    late = stream_record(stream_payload("s-1", version=1, dealersRung=4))
    assert not projections.apply_stream_snapshot(store, late)
    assert store.calls["s-1"].snapshot.dealers_rung == 4
    projections.apply_stream_snapshot(store, snapshot(version=3, status="completed", dealer=DEALER))
    assert store.calls["s-1"].snapshot.dealers_rung == 4


def test_missed_reason_is_read_from_the_stream_when_producers_send_it():
    missed = stream_record(stream_payload("s-1", version=2, status="missed", missedReason="ring_timeout"))
    assert missed.missed_reason == "ring_timeout"
    assert snapshot(version=2, status="missed").missed_reason is None
    with pytest.raises(ValueError, match="dealersRung"):  # not a count: the event breaks its contract
        stream_record(stream_payload("s-1", dealersRung="3"))


def test_a_calls_lead_count_follows_its_leads_in_any_order():
    store = FakeProjectionStore()
    projections.apply_lead(store, lead_record(lead_payload("s-1", lead_id="l-1")))
    projections.apply_stream_snapshot(store, snapshot(version=1))
    assert store.calls["s-1"].lead_count == 1
    projections.apply_lead(store, lead_record(lead_payload("s-1", lead_id="l-2")))
    assert store.calls["s-1"].lead_count == 2


def test_organization_timezone_is_kept_when_auth_sends_a_valid_one():
    with_zone = organization_record(organization_payload(timezone="Europe/Paris"))
    assert with_zone.timezone == "Europe/Paris"
    assert organization_record(organization_payload(timezone="Mars/Olympus")).timezone is None
    assert organization_record(organization_payload()).timezone is None
