"""From events to deliveries: what each lead and each ended stream sends, and to whom.

- lead.created: webhooks at once; the CRM mails once the lead's call has ended (usually it has:
  the shopper leaves details after the call), so they can say who answered and for how long.
  A lead without a call goes to the CRM at once.
- an organization first heard of: the CRM mails of its leads, and the alerts of its missed calls,
  that came before it.
- a stream that ended: webhooks (stream.completed / missed / expired); for a missed call, an
  alert to each manager; and the CRM mails of leads that were waiting for this call to end.
Events may come twice or out of order: every delivery has a dedup key, and each handler works
from the newest state the replica holds, whichever event brought it.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dropin_common.contracts import auth, streams
from dropin_common.timeutil import iso

from ..domain.deliveries import (EMAIL, KIND_ALERT, KIND_CRM, KIND_WEBHOOK, WEBHOOK, PlannedDelivery,
                                 dedup_key)
from ..domain.messages import Mail, crm_mails, missed_call_mails
from ..domain.records import LeadRecord, StreamRecord
from ..domain.webhooks import LEAD_CREATED, STREAM_END_EVENTS
from ..ports import Stores
from .replication import account_from, lead_from, organization_from, stream_from


@dataclass(frozen=True)
class DeliverySettings:
    mail_from: str = "no-reply@dropin.local"
    dashboard_url: str = "http://localhost:3000"


def on_organization(snapshot: auth.OrganizationSnapshot, stores: Stores, settings: DeliverySettings) -> bool:
    """Also sends leads (once their call has ended) and missed-call alerts that came before their
    organization was known here: events from two producers can cross."""
    organization = organization_from(snapshot)
    if not stores.replica.save_organization(organization):
        return False
    for lead in stores.replica.leads_awaiting_organization(organization.id):
        _plan_crm_once_the_call_is_over(stores, lead, settings)
    for stream in stores.replica.missed_streams_awaiting_alerts(organization.id):
        _plan_missed_call_alerts(stores, stream, settings)
    return True


def on_account(snapshot: auth.AccountSnapshot, stores: Stores) -> bool:
    return stores.replica.save_account(account_from(snapshot))


def on_lead_created(snapshot: streams.LeadSnapshot, occurred_at: datetime, stores: Stores,
                    settings: DeliverySettings) -> None:
    lead = lead_from(snapshot, occurred_at)
    if not stores.replica.add_lead(lead):
        return  # the same lead from another event id: already planned
    _plan_webhooks(stores, lead.organization_id, LEAD_CREATED, lead.id, lead.snapshot, lead.created_at)
    _plan_crm_once_the_call_is_over(stores, lead, settings)


def on_stream(snapshot: streams.StreamSnapshot, occurred_at: datetime, stores: Stores,
              settings: DeliverySettings) -> None:
    record = stream_from(snapshot, occurred_at)
    # The newest we know, whichever came first: this one if it was saved, else the stored one.
    stream = record if stores.replica.save_stream(record) else stores.replica.stream(snapshot.id)
    if stream is None or not stream.has_ended:
        return
    _plan_webhooks(stores, stream.organization_id, STREAM_END_EVENTS[stream.status], stream.id,
                   stream.snapshot, stream.stopped_at or occurred_at)
    if stream.status == "missed":
        _plan_missed_call_alerts(stores, stream, settings)
    for lead in stores.replica.leads_awaiting_crm(stream.id):
        _plan_crm(stores, lead, stream, settings)


def _plan_crm_once_the_call_is_over(stores: Stores, lead: LeadRecord, settings: DeliverySettings) -> None:
    """Now, for a lead without a call or whose call has ended; otherwise the call's end plans it."""
    stream = stores.replica.stream(lead.stream_id) if lead.stream_id else None
    if lead.stream_id is None or (stream is not None and stream.has_ended):
        _plan_crm(stores, lead, stream, settings)


def _plan_crm(stores: Stores, lead: LeadRecord, stream: StreamRecord | None, settings: DeliverySettings) -> None:
    organization = stores.replica.organization(lead.organization_id)
    if organization is None:
        return  # planned when the organization's event arrives
    stores.replica.mark_crm_planned(lead.id)
    for mail in crm_mails(lead, stream, organization):
        _plan_mail(stores, KIND_CRM, lead.organization_id, lead.id, "lead.created", mail, settings)


def _plan_missed_call_alerts(stores: Stores, stream: StreamRecord, settings: DeliverySettings) -> None:
    organization = stores.replica.organization(stream.organization_id)
    if organization is None:
        return  # planned when the organization's event arrives
    stores.replica.mark_alerts_planned(stream.id)
    for mail in missed_call_mails(stream, organization, settings.dashboard_url):
        _plan_mail(stores, KIND_ALERT, stream.organization_id, stream.id, "stream.missed", mail, settings)


def _plan_mail(stores: Stores, kind: str, organization_id: str, subject_id: str, event_type: str, mail: Mail,
               settings: DeliverySettings) -> None:
    message_id = str(uuid.uuid4())
    stores.deliveries.plan(PlannedDelivery(
        kind=kind, organization_id=organization_id, target=mail.to, subject_id=subject_id,
        event_type=event_type, dedup_key=dedup_key(kind, subject_id, mail.to), destination=EMAIL,
        payload={"from": settings.mail_from, "to": mail.to, "subject": mail.subject, "body": mail.body,
                 "messageId": message_id}))


def _plan_webhooks(stores: Stores, organization_id: str, event_type: str, subject_id: str,
                   data: dict[str, Any], at: datetime) -> None:
    body = json.dumps({"type": event_type, "timestamp": iso(at), "data": data}, separators=(",", ":"))
    for endpoint in stores.webhooks.subscribed(organization_id, event_type):
        stores.deliveries.plan(PlannedDelivery(
            kind=KIND_WEBHOOK, organization_id=organization_id, target=endpoint.url, subject_id=subject_id,
            event_type=event_type, dedup_key=dedup_key(KIND_WEBHOOK, subject_id, endpoint.id, event_type),
            destination=WEBHOOK,
            # The message id stays the same on every try, so the receiver can drop a repeat. URL and
            # secret travel with the delivery: the relay needs no other read (deleting the
            # endpoint sets its unsent deliveries aside in the same transaction).
            payload={"endpointId": endpoint.id, "url": endpoint.url, "secret": endpoint.secret,
                     "messageId": f"msg_{uuid.uuid4().hex}", "body": body}))
