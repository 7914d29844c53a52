"""From events to deliveries: once per lead/event and destination, in whatever order events come."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from dropin_integrations.domain.webhooks import WebhookEndpoint
from dropin_integrations.use_cases.plan_deliveries import DeliverySettings

from .. import snapshots
from ..edge import on_lead_created, on_organization, on_stream

AT = datetime(2026, 3, 1, 18, 40, tzinfo=timezone.utc)
SETTINGS = DeliverySettings(mail_from="no-reply@dropin.test", dashboard_url="https://app.example.com")


def known_organization(stores, **settings) -> str:
    organization = snapshots.organization(**settings)
    on_organization(organization, stores, SETTINGS)
    return organization["id"]


def subscribe(stores, organization_id: str, *events: str, endpoint_id: str = "wh-1") -> None:
    stores.webhooks.add(WebhookEndpoint(id=endpoint_id, organization_id=organization_id,
                                        url=f"https://hooks.example.com/{endpoint_id}", events=events,
                                        secret="whsec_x", created_at=AT))


def kinds(stores) -> list[tuple[str, str]]:
    return [(d.kind, d.target) for d in stores.deliveries.planned]


def test_a_lead_after_its_call_ended_goes_to_every_crm_address_and_subscribed_webhook(stores):
    organization_id = known_organization(stores, crm=["a@crm.example.com", "b@crm.example.com"])
    subscribe(stores, organization_id, "lead.created")
    subscribe(stores, organization_id, "stream.completed", endpoint_id="wh-2")
    on_stream(snapshots.completed_stream(organization_id, "s-1"), AT, stores, SETTINGS)
    stores.deliveries.rows.clear()

    lead = snapshots.lead(organization_id, "s-1")
    on_lead_created(lead, AT, stores, SETTINGS)

    assert sorted(kinds(stores)) == [("crm", "a@crm.example.com"), ("crm", "b@crm.example.com"),
                                     ("webhook", "https://hooks.example.com/wh-1")]
    mail = next(d for d in stores.deliveries.planned if d.kind == "crm").payload
    assert mail["from"] == "no-reply@dropin.test" and mail["subject"].startswith("ADF lead: 2003 Honda Accord")
    hook = next(d for d in stores.deliveries.planned if d.kind == "webhook").payload
    body = json.loads(hook["body"])
    assert (body["type"], body["data"]) == ("lead.created", lead)
    assert hook["messageId"].startswith("msg_") and hook["endpointId"] == "wh-1"
    assert (hook["url"], hook["secret"]) == ("https://hooks.example.com/wh-1", "whsec_x")


def test_the_same_lead_twice_plans_nothing_more(stores):
    organization_id = known_organization(stores)
    subscribe(stores, organization_id, "lead.created")
    lead = snapshots.lead(organization_id, None)

    on_lead_created(lead, AT, stores, SETTINGS)
    on_lead_created(lead, AT, stores, SETTINGS)

    assert sorted(kinds(stores)) == [("crm", "leads@crm.example.com"), ("webhook", "https://hooks.example.com/wh-1")]


def test_a_lead_that_arrives_before_its_call_ends_waits_and_then_says_who_answered(stores):
    organization_id = known_organization(stores)
    subscribe(stores, organization_id, "lead.created")
    on_stream(snapshots.stream(organization_id, "s-1", version=2, status="streaming",
                               dealer={"id": "d", "firstName": "Ann", "lastName": "Lee"}), AT, stores, SETTINGS)

    on_lead_created(snapshots.lead(organization_id, "s-1"), AT, stores, SETTINGS)
    assert kinds(stores) == [("webhook", "https://hooks.example.com/wh-1")]  # webhook at once, CRM waits

    on_stream(snapshots.completed_stream(organization_id, "s-1", note="Test drive Friday"), AT, stores, SETTINGS)
    on_stream(snapshots.completed_stream(organization_id, "s-1", version=4, note="Changed"), AT, stores, SETTINGS)

    crm = [d for d in stores.deliveries.planned if d.kind == "crm"]
    assert len(crm) == 1  # a later note does not resend
    assert "Dealer's note: Test drive Friday" in crm[0].payload["body"]
    assert "answered by Ann Lee" in crm[0].payload["body"]


def test_a_lead_whose_call_is_not_known_yet_is_sent_once_the_ended_call_arrives(stores):
    organization_id = known_organization(stores)
    on_lead_created(snapshots.lead(organization_id, "s-1"), AT, stores, SETTINGS)
    assert kinds(stores) == []

    on_stream(snapshots.missed_stream(organization_id, "s-1"), AT, stores, SETTINGS)

    crm = [d for d in stores.deliveries.planned if d.kind == "crm"]
    assert len(crm) == 1 and "missed (no dealer answered)" in crm[0].payload["body"]


def test_a_missed_call_alerts_each_manager_once_and_fires_the_stream_missed_webhook(stores):
    organization_id = known_organization(stores, managers=["boss@x.com", "floor@x.com"])
    subscribe(stores, organization_id, "stream.missed", "stream.completed")

    missed = snapshots.missed_stream(organization_id, "s-1")
    on_stream(missed, AT, stores, SETTINGS)
    on_stream(missed, AT, stores, SETTINGS)  # redelivered
    on_stream(snapshots.stream(organization_id, "s-1", version=1), AT, stores, SETTINGS)  # late, older

    assert sorted(kinds(stores)) == [("alert", "boss@x.com"), ("alert", "floor@x.com"),
                                     ("webhook", "https://hooks.example.com/wh-1")]
    alert = next(d for d in stores.deliveries.planned if d.kind == "alert").payload
    assert "https://app.example.com/calls/s-1" in alert["body"]
    webhook = next(d for d in stores.deliveries.planned if d.kind == "webhook")
    assert webhook.event_type == "stream.missed"
    assert json.loads(webhook.payload["body"])["data"]["status"] == "missed"


def test_stopped_before_accepted_out_of_order_still_ends_as_the_newest_state(stores):
    organization_id = known_organization(stores)
    subscribe(stores, organization_id, "stream.completed")

    on_stream(snapshots.completed_stream(organization_id, "s-1", version=3), AT, stores, SETTINGS)
    on_stream(snapshots.stream(organization_id, "s-1", version=2, status="streaming"), AT, stores, SETTINGS)

    assert stores.replica.stream("s-1").status == "completed"
    assert [d.event_type for d in stores.deliveries.planned] == ["stream.completed"]


def test_calls_in_progress_and_unsubscribed_events_deliver_nothing(stores):
    organization_id = known_organization(stores)
    subscribe(stores, organization_id, "lead.created")

    on_stream(snapshots.stream(organization_id, "s-1"), AT, stores, SETTINGS)
    on_stream(snapshots.completed_stream(organization_id, "s-1"), AT, stores, SETTINGS)

    assert kinds(stores) == []


def test_an_older_organization_event_does_not_undo_newer_settings(stores):
    organization = snapshots.organization(crm=["new@crm.example.com"], updated_at="2026-03-01T12:00:00Z")
    older = {**organization, "crmLeadEmails": ["old@crm.example.com"], "updatedAt": "2026-03-01T11:00:00Z"}

    assert on_organization(organization, stores, SETTINGS) is True
    assert on_organization(older, stores, SETTINGS) is False
    assert stores.replica.organization(organization["id"]).crm_lead_emails == ("new@crm.example.com",)


def test_an_organization_event_without_the_settings_means_none_and_utc(stores):
    legacy = {key: value for key, value in snapshots.organization().items()
              if key not in ("crmLeadEmails", "managerEmails", "timezone")}
    on_organization(legacy, stores, SETTINGS)

    stored = stores.replica.organization(legacy["id"])
    assert (stored.crm_lead_emails, stored.manager_emails, stored.timezone) == ((), (), "UTC")


def test_a_lead_that_comes_before_its_organization_is_sent_once_the_organization_arrives(stores):
    organization = snapshots.organization(crm=["leads@crm.example.com"])
    on_lead_created(snapshots.lead(organization["id"], None), AT, stores, SETTINGS)
    on_lead_created(snapshots.lead(organization["id"], "s-open"), AT, stores, SETTINGS)  # call not ended
    assert kinds(stores) == []

    on_organization(organization, stores, SETTINGS)
    on_organization({**organization, "updatedAt": "2026-03-02T10:00:00Z"}, stores, SETTINGS)

    assert kinds(stores) == [("crm", "leads@crm.example.com")]


def test_a_missed_call_before_its_organization_is_known_alerts_once_the_organization_arrives(stores):
    organization = snapshots.organization(managers=["boss@x.com"])
    on_stream(snapshots.missed_stream(organization["id"], "s-1"), AT, stores, SETTINGS)
    assert kinds(stores) == []

    on_organization(organization, stores, SETTINGS)
    on_organization({**organization, "managerEmails": ["boss@x.com", "new@x.com"],
                     "updatedAt": "2026-03-02T10:00:00Z"}, stores, SETTINGS)  # no alert for the old call

    assert kinds(stores) == [("alert", "boss@x.com")]
