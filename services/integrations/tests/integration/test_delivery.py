"""Events through the real broker and consumer become deliveries that the real relays hand to a
real SMTP server and a webhook receiver that checks signatures with `standardwebhooks`."""
from __future__ import annotations

import json
import uuid

from lxml import etree

from dropin_common.events import (LEAD_CREATED, ORGANIZATION_CREATED, ORGANIZATION_UPDATED, STREAM_ACCEPTED,
                                  STREAM_REQUESTED, STREAM_STOPPED, Event)
from dropin_common.testing import wait_until

from dropin_integrations.domain.webhooks import WebhookEndpoint, new_secret

from .. import snapshots
from .conftest import rows


def add_endpoint(container, receiver, organization_id: str, *events: str, path: str = "/hook") -> WebhookEndpoint:
    endpoint = WebhookEndpoint(id=str(uuid.uuid4()), organization_id=organization_id, url=receiver.url(path),
                               events=events, secret=new_secret(), created_at=container.now())
    with container.uow() as work:
        work.webhooks.add(endpoint)
        work.commit()
    receiver.secrets[path] = endpoint.secret
    return endpoint


def test_a_stream_to_a_lead_gives_one_adf_mail_per_crm_address_and_one_signed_webhook(
        container, running_consumer, relays, publish, smtp, receiver):
    organization = snapshots.organization(crm=["leads@crm.example.com", "bdc@crm.example.com"], managers=[])
    publish(Event(ORGANIZATION_CREATED, {"organization": organization}))
    wait_until(lambda: rows(container, "organizations"), message="the organization replica")
    add_endpoint(container, receiver, organization["id"], "lead.created", "stream.completed")
    stream_id = str(uuid.uuid4())
    publish(Event(STREAM_REQUESTED, {"stream": snapshots.stream(organization["id"], stream_id)}))
    publish(Event(STREAM_STOPPED, {"stream": snapshots.completed_stream(organization["id"], stream_id)}))
    lead = snapshots.lead(organization["id"], stream_id, firstName="Sam <&>", comment='Sunroof? "yes" & more')
    lead_event = Event(LEAD_CREATED, {"lead": lead})
    publish(lead_event)
    publish(lead_event)  # the broker may hand an event over twice

    wait_until(lambda: len(smtp.mailbox) >= 2 and len(receiver.received) >= 2, message="mail and webhooks")
    mail = smtp.mailbox.to("leads@crm.example.com")[0]
    assert mail["Subject"] == "ADF lead: 2003 Honda Accord \u2014 Sam <&> Shopper"
    assert mail["From"] == "no-reply@dropin.test"
    assert mail.get_content_type() == "text/plain"
    assert mail["Content-Transfer-Encoding"] == "7bit"  # the ADF text verbatim, not quoted-printable
    assert mail.get_payload().startswith('<?xml version="1.0"?>\r\n<?adf version="1.0"?>\r\n<adf>')
    document = mail.get_content()
    root = etree.fromstring(document.encode())
    assert root.findtext("prospect/id") == lead["id"]
    assert root.find("prospect/customer/contact/name[@part='first']").text == "Sam <&>"
    assert 'Sunroof? "yes" & more' in root.findtext("prospect/customer/comments")
    assert "answered by Ann Lee, 4 min 12 s" in root.findtext("prospect/customer/comments")
    assert root.findtext("prospect/requestdate") == "2026-03-01T10:35:00-08:00"

    hooks = {json.loads(hook.body)["type"]: hook for hook in receiver.at("/hook")}
    assert set(hooks) == {"lead.created", "stream.completed"}
    for hook in hooks.values():
        assert hook.error is None, hook.error  # the signature verified with the endpoint's secret
    assert hooks["lead.created"].verified["data"] == lead
    assert hooks["stream.completed"].verified["data"]["id"] == stream_id

    # Nothing more arrives for the repeated event: one delivery per lead and destination.
    delivered = rows(container, "deliveries")
    assert sorted((row.kind, row.target) for row in delivered) == [
        ("crm", "bdc@crm.example.com"), ("crm", "leads@crm.example.com"),
        ("webhook", receiver.url("/hook")), ("webhook", receiver.url("/hook"))]
    wait_until(lambda: all(row.sent_at for row in rows(container, "deliveries")), message="all marked sent")
    assert len(smtp.mailbox) == 2 and len(receiver.received) == 2


def test_a_missed_call_alerts_the_managers_and_the_later_lead_says_it_was_missed(
        container, running_consumer, relays, publish, smtp):
    organization = snapshots.organization(crm=["leads@crm.example.com"], managers=["boss@x.com", "floor@x.com"],
                                          timezone="Europe/Berlin")
    publish(Event(ORGANIZATION_CREATED, {"organization": organization}))
    stream_id = str(uuid.uuid4())
    publish(Event(STREAM_STOPPED, {"stream": snapshots.missed_stream(organization["id"], stream_id, dealersRung=2)}))

    wait_until(lambda: len(smtp.mailbox) == 2, message="two manager alerts")
    alert = smtp.mailbox.to("boss@x.com")[0]
    assert alert["Subject"] == "Missed call: 2003 Honda Accord at 2026-03-01 19:30 CET"
    body = alert.get_content()
    assert "Dealers rung: 2 dealers" in body and f"https://app.example.com/calls/{stream_id}" in body

    publish(Event(LEAD_CREATED, {"lead": snapshots.lead(organization["id"], stream_id)}))
    wait_until(lambda: smtp.mailbox.to("leads@crm.example.com"), message="the CRM mail")
    document = smtp.mailbox.to("leads@crm.example.com")[0].get_content()
    assert "Live video call: missed (no dealer answered)." in document


def test_settings_changed_later_apply_and_an_older_event_arriving_late_changes_nothing(
        container, running_consumer, relays, publish, smtp):
    organization = snapshots.organization(crm=["old@crm.example.com"], updated_at="2026-03-01T10:00:00Z")
    newer = {**organization, "crmLeadEmails": ["new@crm.example.com"], "updatedAt": "2026-03-01T11:00:00Z"}
    publish(Event(ORGANIZATION_UPDATED, {"organization": newer}))
    publish(Event(ORGANIZATION_CREATED, {"organization": organization}))  # late
    stream_id = str(uuid.uuid4())
    # stopped before accepted: the older snapshot must not win
    publish(Event(STREAM_STOPPED, {"stream": snapshots.completed_stream(organization["id"], stream_id)}))
    publish(Event(STREAM_ACCEPTED, {"stream": snapshots.stream(
        organization["id"], stream_id, version=2, status="streaming")}))
    publish(Event(LEAD_CREATED, {"lead": snapshots.lead(organization["id"], stream_id)}))

    wait_until(lambda: smtp.mailbox, message="the CRM mail")
    wait_until(lambda: len(rows(container, "inbox")) == 5, message="every event handled")
    assert [message["To"] for message in smtp.mailbox] == ["new@crm.example.com"]
    assert rows(container, "streams")[0].status == "completed"
