"""After a stream the dealer sends the shopper the organization's loan application link by e-mail."""
from __future__ import annotations

import uuid
from datetime import datetime

from dropin_common.auth import Principal
from dropin_common.errors import Conflict, NotFound

from ..ports import OutboundMessage, UnitOfWork
from .lookups import ensure_caller_may_manage, stream_or_404

EMAIL_DESTINATION = "email"
EMAIL_CHANNEL = "email"


def send_loan_link(uow: UnitOfWork, stream_id: str, sender: str, now: datetime,
                   principal: Principal | None = None) -> OutboundMessage:
    with uow:
        stream = stream_or_404(uow, stream_id)
        ensure_caller_may_manage(uow, stream, principal)
        if not stream.has_ended:
            raise Conflict("The loan link can be sent once the stream has ended.", code="stream_not_ended")
        lead = uow.leads.latest_with_email(stream.id)
        if lead is None:
            raise Conflict("The shopper left no e-mail address for this stream.", code="no_lead_email")
        organization = uow.organizations.get(stream.organization_id)
        if organization is None:
            raise NotFound("The stream's organization is unknown.", code="organization_not_found")
        if not organization.loan_link:
            raise Conflict(f"{organization.name} has no loan link.", code="no_loan_link")
        greeting = f"Hello {lead.contact.first_name}," if lead.contact.first_name else "Hello,"
        vehicle = " ".join(str(part) for part in (stream.vehicle.year, stream.vehicle.make,
                                                  stream.vehicle.model) if part) or stream.vin
        message = OutboundMessage(
            id=str(uuid.uuid4()), stream_id=stream.id, lead_id=lead.id, channel=EMAIL_CHANNEL,
            recipient=lead.contact.email,
            subject=f"Your loan application with {organization.name}",
            body=(f"{greeting}\n\nThank you for your live walk-around of the {vehicle}.\n"
                  f"You can apply for a loan here: {organization.loan_link}\n\n{organization.name}\n"),
            created_at=now)
        uow.outbound_messages.add(message)
        uow.outbox.add(EMAIL_DESTINATION, "loan_link", {
            "messageId": message.id, "from": sender, "to": message.recipient,
            "subject": message.subject, "body": message.body})
        uow.commit()
    return message
