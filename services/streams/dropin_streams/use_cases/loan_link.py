"""After a stream the dealer sends the shopper the organization's loan application link by e-mail.

The contract lets anyone holding the stream id ask for it, so the mailer must not be a relay:
- one mail per lead and per address: asking again answers the mail already sent;
- at most MAX_RECIPIENTS distinct addresses per stream, then 429 `loan_link_limit`;
- with a token, only the stream's dealer or an admin may send it;
- the mail is a fixed template: organization name and loan link only (both set by the dealership
  through auth), never text a shopper typed (names, vehicle descriptions).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from dropin_common.kernel import Conflict, NotFound, Principal, RateLimited

from ..domain.access import StreamRole, refuse_colleagues
from ..domain.replica import Organization
from ..ports import OutboundMessage, UnitOfWork
from .lookups import role_on, stream_or_404

EMAIL_DESTINATION = "email"
EMAIL_CHANNEL = "email"
MAX_RECIPIENTS = 3


@dataclass(frozen=True)
class LoanLinkSent:
    message: OutboundMessage
    role: StreamRole
    queued: bool  # False: the same mail was asked for again and nothing new was sent


def send_loan_link(uow: UnitOfWork, stream_id: str, sender: str, now: datetime,
                   principal: Principal | None = None) -> LoanLinkSent:
    with uow:
        stream = stream_or_404(uow, stream_id)
        role = role_on(stream, principal)
        refuse_colleagues(role, "The loan link")
        if not stream.has_ended:
            raise Conflict("The loan link can be sent once the stream has ended.", code="stream_not_ended")
        lead = uow.leads.latest_with_email(stream.id)
        if lead is None or lead.contact.email is None:
            raise Conflict("The shopper left no e-mail address for this stream.", code="no_lead_email")
        organization = uow.organizations.get(stream.organization_id)
        if organization is None:
            raise NotFound("The stream's organization is unknown.", code="organization_not_found")
        if not organization.loan_link:
            raise Conflict(f"{organization.name} has no loan link.", code="no_loan_link")
        uow.streams.lock(stream.id)  # concurrent asks count the same mails, one at a time
        sent = uow.outbound_messages.for_stream(stream.id, EMAIL_CHANNEL)
        recipient = lead.contact.email
        earlier = next((message for message in sent
                        if message.lead_id == lead.id or _same_address(message.recipient, recipient)), None)
        if earlier is not None:
            return LoanLinkSent(earlier, role, queued=False)
        if len({message.recipient.casefold() for message in sent}) >= MAX_RECIPIENTS:
            raise RateLimited(f"This stream's loan link already went to {MAX_RECIPIENTS} addresses.",
                              code="loan_link_limit")
        message = OutboundMessage(
            id=str(uuid.uuid4()), stream_id=stream.id, lead_id=lead.id, channel=EMAIL_CHANNEL,
            recipient=recipient, subject=f"Your loan application with {organization.name}",
            body=loan_link_body(organization), created_at=now)
        uow.outbound_messages.add(message)
        uow.outbox.add(EMAIL_DESTINATION, "loan_link", {
            "messageId": message.id, "from": sender, "to": message.recipient,
            "subject": message.subject, "body": message.body})
        uow.commit()
    return LoanLinkSent(message, role, queued=True)


def loan_link_body(organization: Organization) -> str:
    """The fixed template: nothing in it comes from the shopper."""
    return (f"Hello,\n\nThank you for your live walk-around with {organization.name}.\n"
            f"You can apply for a loan here: {organization.loan_link}\n\n{organization.name}\n")


def _same_address(first: str, second: str) -> bool:
    return first.casefold() == second.casefold()
