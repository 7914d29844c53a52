"""Around and after a stream: delivery logs, the dealer's note, the loan link, the shopper's lead."""
from __future__ import annotations

from dropin_common.api import REPLICA_BEHIND, UNAUTHORIZED, WITH_JWT, Blueprint
from dropin_common.http import optional_principal
from dropin_common.timeutil import iso

from ..domain.lead import Contact
from ..domain.stream import StreamLog
from ..use_cases import leads, loan_link
from ..use_cases import stream_activity as activity
from ..use_cases.snapshots import lead_snapshot
from . import schemas
from .request_context import STREAM_FOR_CALLER, container, stream_for_caller

api = Blueprint("after_stream", __name__)
NOT_YOUR_STREAM = "`not_your_stream`: the JWT belongs to another organization."


@api.post("/streams/log/<stream_id>", tags=["streams"])
@api.arguments(schemas.StreamLogSchema)
@api.optional_jwt()
@api.response(201, schemas.StreamLogAnswer, description="The recorded entry.")
@api.errors({400: "A missing or unknown `type`, or a `code` that is not a 32-bit integer.",
             403: NOT_YOUR_STREAM, 404: "`stream_not_found`: no such stream.", 503: REPLICA_BEHIND})
def log(body, stream_id: str):
    """Record a client-side delivery report (a Pusher or push notification code).

    No login needed (the stream id is the capability); a JWT, when sent, must be an admin's or
    belong to the stream's organization.
    """
    c = container()
    entry = activity.log_delivery(c.uow(), stream_id, StreamLog(body["type"], body["code"], c.clock()),
                                  optional_principal())
    return {"type": entry.type, "code": entry.code, "at": iso(entry.at)}, 201


@api.post("/streams/note/<stream_id>", tags=["streams"])
@api.arguments(schemas.NoteSchema)
@api.doc(security=WITH_JWT)
@api.response(200, STREAM_FOR_CALLER, description="The stream with its note.")
@api.errors({400: "A missing or over-long `note`.", 401: UNAUTHORIZED,
             403: "The JWT is neither an admin's nor the stream's dealer's.",
             404: "`stream_not_found`: no such stream.",
             409: "The stream has not ended yet, or was edited at the same moment.", 503: REPLICA_BEHIND})
def note(body, stream_id: str):
    """The stream's dealer (or an admin) adds or replaces the note of an ended stream.

    A dealer action: the JWT of the dealer who accepted the stream, or an admin's. Publishes a
    `stream.noted` event (no Pusher message).
    """
    return stream_for_caller(activity.note_stream(container().uow(), stream_id, body["note"], optional_principal()))


@api.post("/streams/sendloanlink/<stream_id>", tags=["streams"])
@api.optional_jwt()
@api.response(202, schemas.LoanLinkAnswer, description=(
    "The queued message. `to`, the shopper's address, only with the stream's dealer's or an admin's JWT."))
@api.alt_response(200, schema=schemas.LoanLinkAnswer, success=True,
                  description="The same message, already queued by an earlier call; nothing new is sent.")
@api.errors({403: "The JWT is neither an admin's nor the stream's dealer's.",
             404: "No such stream, or its organization is unknown.",
             409: "The stream has not ended, the shopper left no e-mail address, or the organization has no loan link.",
             429: "`loan_link_limit`: the stream's loan link already went to 3 addresses; or `rate_limited`, "
                  "the gateway's limit.",
             503: REPLICA_BEHIND})
def send_loan_link(stream_id: str):
    """E-mail the organization's loan application link to the stream's shopper.

    Once the stream has ended, to the e-mail address of its latest lead. No login needed (the
    stream id is the capability); a JWT, when sent, must be the stream's dealer's or an admin's.
    One mail per lead and per address: asking again answers the mail already queued (200) and sends
    nothing. At most 3 distinct addresses per stream. The mail is a fixed template (the
    organization's name and loan link; nothing the shopper typed), queued and sent asynchronously.
    The gateway rate-limits this endpoint per client address.
    """
    c = container()
    sent = loan_link.send_loan_link(c.uow(), stream_id, c.settings.mail_from, c.clock(), optional_principal())
    message = sent.message
    answer = {"id": message.id, "streamId": message.stream_id, "leadId": message.lead_id,
              "channel": message.channel, "to": message.recipient, "subject": message.subject,
              "body": message.body, "createdAt": iso(message.created_at)}
    if not sent.role.manages_the_stream:
        del answer["to"]  # the stream id alone must not reveal the shopper's address
    return answer, 202 if sent.queued else 200


@api.post("/leads", tags=["leads"])
@api.arguments(schemas.LeadSchema)
@api.optional_jwt()
@api.response(201, schemas.LeadAnswer, description="The lead.")
@api.errors({400: "No way to reach the shopper, neither `streamId` nor `organizationToken` and `vinId`, a bad "
                  "e-mail, a name that is not a name (`invalid_name`, naming the field), an over-long field, "
                  "or a malformed VIN.",
             401: "The organization token, or a JWT that was sent, is not valid.",
             403: NOT_YOUR_STREAM, 404: "`stream_not_found`: no such stream.", 503: REPLICA_BEHIND})
def create_lead(body):
    """Shopper feedback becomes a lead.

    No login needed. Give `streamId`, or `organizationToken` and `vinId`; when all are given,
    `streamId` wins. A JWT, when sent, must be an admin's or belong to the lead's organization. The
    contact needs at least a name, an e-mail or a phone. `firstName` and `lastName` are names:
    letters, spaces, `-`, `'` and `.`, at most 50 characters, nothing that reads as a web address,
    no control or invisible characters (NFKC-normalised). Publishes a `lead.created` event.
    """
    contact = Contact(first_name=body["first_name"], last_name=body["last_name"], email=body["email"],
                      phone=body["phone"], comment=body["comment"])
    c = container()
    lead = leads.create_lead(c.uow(), c.decoder, leads.CreateLead(
        contact=contact, stream_id=body["stream_id"], organization_token=body["organization_token"],
        vin=body["vin"], principal=optional_principal()), c.clock())
    return lead_snapshot(lead), 201
