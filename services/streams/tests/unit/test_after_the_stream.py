"""Notes, delivery logs, leads and the loan link: what happens around and after a stream."""
from __future__ import annotations

import pytest

from dropin_common.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from dropin_streams.domain.lead import Contact
from dropin_streams.domain.stream import StreamLog
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.leads import CreateLead, create_lead
from dropin_streams.use_cases.loan_link import send_loan_link
from dropin_streams.use_cases.request_stream import RequestStream, request_stream
from dropin_streams.use_cases.stop_stream import stop_stream
from dropin_streams.use_cases.stream_activity import get_stream, list_streams, log_delivery, note_stream

from .conftest import ORG_TOKEN, VIN, at, organization, principal

SHOPPER = Contact(first_name="Sam", last_name="Shopper", email="sam@example.com", phone="555-0100")
ALICE = principal("alice")          # the dealer who accepted the ended stream below
BOB = principal("bob")              # a colleague: a dealer of the same organization
ZED = principal("zed", org_id="org-2")  # a dealer of another organization
ADMIN = principal("root", role="admin", org_id=None)


def ended_stream(uow, decoder, code="ACME", when=0):
    stream = request_stream(uow, decoder, RequestStream(code, VIN, model="Accord"), at(when)).stream
    accept_stream(uow, principal("alice" if code == "ACME" else "zed", org_id=None), stream.id, at(when + 1))
    return stop_stream(uow, stream.id, None, at(when + 100)).stream


def live_stream(uow, decoder):
    return request_stream(uow, decoder, RequestStream("ACME", VIN), at(0)).stream


# --- notes -------------------------------------------------------------------------------------

def test_a_live_stream_cannot_be_noted(uow, decoder):
    stream = live_stream(uow, decoder)
    with pytest.raises(Conflict) as refused:
        note_stream(uow, stream.id, "nice car", ADMIN)
    assert refused.value.code == "stream_not_ended"


def test_a_note_on_an_ended_stream_is_stored_edited_and_announced(uow, decoder):
    stream = ended_stream(uow, decoder)
    note_stream(uow, stream.id, "first", ALICE)
    noted = note_stream(uow, stream.id, "edited", ALICE).stream
    assert noted.note == "edited" and uow.streams.get(stream.id).note == "edited"
    events = uow.outbox.events("stream.noted")
    assert [e["data"]["stream"]["note"] for e in events] == ["first", "edited"]
    assert events[1]["data"]["stream"]["version"] == events[0]["data"]["stream"]["version"] + 1


def test_a_note_needs_the_streams_dealer_or_an_admin(uow, decoder):
    stream = ended_stream(uow, decoder)
    with pytest.raises(Unauthorized) as shopper:
        note_stream(uow, stream.id, "five stars", None)
    with pytest.raises(Forbidden) as colleague:
        note_stream(uow, stream.id, "mine now", BOB)
    with pytest.raises(Forbidden) as stranger:
        note_stream(uow, stream.id, "mine now", ZED)
    assert (shopper.value.code, colleague.value.code, stranger.value.code) == \
        ("authentication_required", "not_stream_dealer", "not_your_stream")
    assert uow.streams.get(stream.id).note is None and uow.outbox.events("stream.noted") == []


def test_an_admin_can_note_any_stream(uow, decoder):
    stream = ended_stream(uow, decoder)
    assert note_stream(uow, stream.id, "checked", ADMIN).stream.note == "checked"


def test_noting_an_unknown_stream_is_not_found(uow):
    with pytest.raises(NotFound):
        note_stream(uow, "missing", "x", ADMIN)


# --- reading -----------------------------------------------------------------------------------

def test_the_organization_sees_the_stream_the_shopper_sees_its_public_part(uow, decoder):
    stream = ended_stream(uow, decoder)
    roles = {who: get_stream(uow, stream.id, caller).role.value
             for who, caller in (("shopper", None), ("alice", ALICE), ("bob", BOB), ("admin", ADMIN))}
    assert roles == {"shopper": "shopper", "alice": "dealer", "bob": "colleague", "admin": "admin"}
    assert not get_stream(uow, stream.id, None).role.is_organization
    assert get_stream(uow, stream.id, BOB).role.is_organization


def test_another_organizations_token_cannot_read_the_stream(uow, decoder):
    stream = ended_stream(uow, decoder)
    with pytest.raises(Forbidden):
        get_stream(uow, stream.id, ZED)


# --- delivery logs -----------------------------------------------------------------------------

def test_delivery_logs_are_kept_in_order_on_the_stream(uow, decoder):
    stream = live_stream(uow, decoder)
    log_delivery(uow, stream.id, StreamLog("pusher", 3, at(1)), None)
    log_delivery(uow, stream.id, StreamLog("push", 200, at(2)), ALICE)
    assert [(log.type, log.code) for log in uow.streams.get(stream.id).logs] == [("pusher", 3), ("push", 200)]


def test_another_organizations_token_cannot_log_on_the_stream(uow, decoder):
    stream = live_stream(uow, decoder)
    with pytest.raises(Forbidden):
        log_delivery(uow, stream.id, StreamLog("pusher", 3, at(1)), ZED)
    assert uow.streams.get(stream.id).logs == ()


def test_logging_for_an_unknown_stream_is_not_found(uow):
    with pytest.raises(NotFound):
        log_delivery(uow, "missing", StreamLog("push", 1, at(0)), None)


# --- listing -----------------------------------------------------------------------------------

def test_a_dealer_lists_their_organizations_streams_newest_first(uow, decoder):
    first = ended_stream(uow, decoder, when=0)
    second = request_stream(uow, decoder, RequestStream("ACME", VIN), at(500)).stream
    ended_stream(uow, decoder, code="OTHER", when=10)
    listed = list_streams(uow, principal("bob"), statuses=frozenset(), skip=0, limit=20)
    assert [s.id for s in listed] == [second.id, first.id]


def test_the_status_filter_and_paging_narrow_the_list(uow, decoder):
    done = ended_stream(uow, decoder)
    live_stream(uow, decoder)
    assert [s.id for s in list_streams(uow, principal("bob"), statuses=frozenset({"completed"}),
                                       skip=0, limit=20)] == [done.id]
    assert len(list_streams(uow, principal("bob"), statuses=frozenset(), skip=1, limit=20)) == 1


def test_an_admin_lists_every_organizations_streams(uow, decoder):
    ended_stream(uow, decoder)
    ended_stream(uow, decoder, code="OTHER")
    assert len(list_streams(uow, principal("root", role="admin", org_id=None), statuses=frozenset(),
                            skip=0, limit=20)) == 2


# --- leads -------------------------------------------------------------------------------------

def test_a_lead_for_a_stream_carries_its_vehicle_and_organization(uow, decoder):
    stream = ended_stream(uow, decoder)
    lead = create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    assert (lead.stream_id, lead.organization_id, lead.vin) == (stream.id, "org-1", VIN)
    [event] = uow.outbox.events("lead.created")
    data = event["data"]["lead"]
    assert data["vehicle"]["model"] == "Accord" and data["organizationName"] == "ACME Motors"
    assert data["email"] == "sam@example.com"


def test_stream_id_wins_when_an_organization_token_is_given_too(uow, decoder):
    stream = ended_stream(uow, decoder, code="OTHER")
    lead = create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id, organization_token=ORG_TOKEN,
                                                vin="5YJSA1E14HF000001"), at(200))
    assert (lead.stream_id, lead.organization_id) == (stream.id, "org-2")


def test_a_lead_by_organization_token_and_vin_decodes_the_vehicle(uow, decoder):
    lead = create_lead(uow, decoder, CreateLead(SHOPPER, organization_token=ORG_TOKEN, vin=VIN), at(0))
    assert lead.stream_id is None and lead.vehicle.make == "Honda"
    assert lead.organization_id == "org-1" and lead.organization_name == "ACME Motors"


def test_a_wrong_organization_token_is_refused(uow, decoder):
    with pytest.raises(Unauthorized):
        create_lead(uow, decoder, CreateLead(SHOPPER, organization_token="guess", vin=VIN), at(0))
    assert uow.leads.rows == []


def test_a_lead_for_an_unknown_stream_is_not_found(uow, decoder):
    with pytest.raises(NotFound):
        create_lead(uow, decoder, CreateLead(SHOPPER, stream_id="missing"), at(0))


def test_a_lead_without_a_target_names_the_missing_field(uow, decoder):
    with pytest.raises(BadRequest) as refused:
        create_lead(uow, decoder, CreateLead(SHOPPER, organization_token=ORG_TOKEN), at(0))
    assert refused.value.field == "streamId"


def test_a_lead_nobody_can_name_or_reach_is_refused(uow, decoder):
    stream = ended_stream(uow, decoder)
    with pytest.raises(BadRequest) as refused:
        create_lead(uow, decoder, CreateLead(Contact(comment="hi"), stream_id=stream.id), at(0))
    assert "email" in refused.value.field and "phone" in refused.value.field


def test_a_malformed_vin_for_a_token_lead_is_refused_naming_vin_id(uow, decoder):
    with pytest.raises(BadRequest) as refused:
        create_lead(uow, decoder, CreateLead(SHOPPER, organization_token=ORG_TOKEN, vin="123"), at(0))
    assert refused.value.field == "vinId"


def test_a_lead_with_another_organizations_token_is_refused(uow, decoder):
    stream = ended_stream(uow, decoder)
    with pytest.raises(Forbidden):
        create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id, principal=ZED), at(200))
    with pytest.raises(Forbidden):
        create_lead(uow, decoder, CreateLead(SHOPPER, organization_token=ORG_TOKEN, vin=VIN, principal=ZED), at(200))
    assert uow.leads.rows == [] and uow.outbox.events("lead.created") == []


def test_a_lead_with_the_organizations_own_token_is_taken(uow, decoder):
    stream = ended_stream(uow, decoder)
    assert create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id, principal=BOB), at(200)).stream_id


@pytest.mark.parametrize("name", ["Anne-Marie", "O'Neil", "J. R.", "Nguyễn Văn", "Zoë", "Łukasz", "D\u2019Arcy",
                                  "x" * 50])
def test_real_names_are_taken(uow, decoder, name):
    stream = ended_stream(uow, decoder)
    lead = create_lead(uow, decoder, CreateLead(Contact(first_name=name, last_name=name), stream_id=stream.id),
                       at(200))
    assert (lead.contact.first_name, lead.contact.last_name) == (name, name)


def test_names_are_nfkc_normalised(uow, decoder):
    stream = ended_stream(uow, decoder)
    lead = create_lead(uow, decoder, CreateLead(Contact(first_name="\uff33\uff41\uff4d"), stream_id=stream.id), at(2))
    assert lead.contact.first_name == "Sam"


@pytest.mark.parametrize("name", [
    "Claim your prize at evil.com", "bit.ly", "https://evil.example", "www.evil.com", "Sam\u200b",
    "Sa\u202em", "Sam\nDear customer", "Sam\x07", "x" * 51, "Sam!", "Sam <b>", "R2-D2", "---", "Sam@evil",
])
@pytest.mark.parametrize("field, attribute", [("firstName", "first_name"), ("lastName", "last_name")])
def test_anything_but_a_name_is_refused_naming_the_field(uow, decoder, name, field, attribute):
    stream = ended_stream(uow, decoder)
    contact = Contact(email="sam@example.com", **{attribute: name})
    with pytest.raises(BadRequest) as refused:
        create_lead(uow, decoder, CreateLead(contact, stream_id=stream.id), at(200))
    assert (refused.value.code, refused.value.field) == ("invalid_name", field)
    assert uow.leads.rows == []


# --- loan link ---------------------------------------------------------------------------------

def lead_for(uow, decoder, stream, email="sam@example.com", when=200, **names):
    return create_lead(uow, decoder, CreateLead(Contact(email=email, **names), stream_id=stream.id), at(when))


def test_the_loan_link_is_mailed_to_the_shopper_of_an_ended_stream(uow, decoder):
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    sent = send_loan_link(uow, stream.id, "dealer@dropin.test", at(300))
    message = sent.message
    assert sent.queued and message.recipient == "sam@example.com" and "https://loans.example/acme" in message.body
    assert uow.outbound_messages.rows == [message]
    [email] = uow.outbox.emails()
    assert (email["to"], email["from"], email["messageId"]) == ("sam@example.com", "dealer@dropin.test", message.id)


def test_the_loan_link_goes_to_the_newest_lead_that_left_an_email(uow, decoder):
    stream = ended_stream(uow, decoder)
    lead_for(uow, decoder, stream, "old@example.com", 100)
    lead_for(uow, decoder, stream, "new@example.com", 200)
    create_lead(uow, decoder, CreateLead(Contact(phone="555"), stream_id=stream.id), at(250))
    assert send_loan_link(uow, stream.id, "x@y", at(300)).message.recipient == "new@example.com"


def test_the_mail_is_a_fixed_template_without_anything_the_shopper_typed(uow, decoder):
    stream = request_stream(uow, decoder, RequestStream("ACME", VIN, make="Visit", model="Prizes"), at(0)).stream
    stop_stream(uow, stream.id, None, at(5))
    lead_for(uow, decoder, stream, first_name="Winner", last_name="Claim Now")
    message = send_loan_link(uow, stream.id, "x@y", at(300)).message
    assert message.subject == "Your loan application with ACME Motors"
    assert message.body == ("Hello,\n\nThank you for your live walk-around with ACME Motors.\n"
                            "You can apply for a loan here: https://loans.example/acme\n\nACME Motors\n")


def test_asking_again_answers_the_same_mail_and_sends_nothing(uow, decoder):
    stream = ended_stream(uow, decoder)
    lead_for(uow, decoder, stream)
    first = send_loan_link(uow, stream.id, "x@y", at(300))
    again = send_loan_link(uow, stream.id, "x@y", at(301))
    assert (again.message, again.queued) == (first.message, False)
    assert len(uow.outbox.emails()) == len(uow.outbound_messages.rows) == 1


def test_a_new_lead_with_an_address_already_mailed_gets_no_second_mail(uow, decoder):
    stream = ended_stream(uow, decoder)
    lead_for(uow, decoder, stream, "victim@example.com", 200)
    first = send_loan_link(uow, stream.id, "x@y", at(300))
    lead_for(uow, decoder, stream, "Victim@Example.com", 400)
    again = send_loan_link(uow, stream.id, "x@y", at(500))
    assert (again.message.id, again.queued) == (first.message.id, False)
    assert len(uow.outbox.emails()) == 1


def test_at_most_three_addresses_per_stream_then_loan_link_limit(uow, decoder):
    stream = ended_stream(uow, decoder)
    for n in range(3):
        lead_for(uow, decoder, stream, f"shopper{n}@example.com", 200 + n)
        assert send_loan_link(uow, stream.id, "x@y", at(300 + n)).queued
    lead_for(uow, decoder, stream, "fourth@example.com", 400)
    with pytest.raises(TooManyRequests) as refused:
        send_loan_link(uow, stream.id, "x@y", at(500), ADMIN)
    assert refused.value.code == "loan_link_limit"
    assert [email["to"] for email in uow.outbox.emails()] == [f"shopper{n}@example.com" for n in range(3)]


def test_the_loan_link_waits_for_the_stream_to_end(uow, decoder):
    stream = live_stream(uow, decoder)
    with pytest.raises(Conflict) as refused:
        send_loan_link(uow, stream.id, "x@y", at(1))
    assert refused.value.code == "stream_not_ended"


def test_the_loan_link_needs_a_lead_with_an_email(uow, decoder):
    stream = ended_stream(uow, decoder)
    with pytest.raises(Conflict) as no_lead:
        send_loan_link(uow, stream.id, "x@y", at(1))
    create_lead(uow, decoder, CreateLead(Contact(phone="555"), stream_id=stream.id), at(200))
    with pytest.raises(Conflict) as no_email:
        send_loan_link(uow, stream.id, "x@y", at(1))
    assert no_lead.value.code == no_email.value.code == "no_lead_email"
    assert uow.outbox.emails() == []


def test_the_loan_link_needs_the_organization_to_have_one(uow, decoder):
    uow.organizations.rows["org-1"] = organization(loan_link=None)
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    with pytest.raises(Conflict) as refused:
        send_loan_link(uow, stream.id, "x@y", at(1))
    assert refused.value.code == "no_loan_link"


@pytest.mark.parametrize("caller, code", [(BOB, "not_stream_dealer"), (ZED, "not_your_stream")])
def test_with_a_token_only_the_streams_dealer_or_an_admin_sends_the_loan_link(uow, decoder, caller, code):
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    with pytest.raises(Forbidden) as refused:
        send_loan_link(uow, stream.id, "x@y", at(300), caller)
    assert refused.value.code == code and uow.outbox.emails() == []
    assert send_loan_link(uow, stream.id, "x@y", at(301), ALICE).role.manages_the_stream
    assert send_loan_link(uow, stream.id, "x@y", at(302), ADMIN).role.manages_the_stream


def test_without_a_token_the_loan_link_is_sent_as_the_shopper(uow, decoder):
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    sent = send_loan_link(uow, stream.id, "x@y", at(300))
    assert sent.queued and not sent.role.manages_the_stream
