"""Notes, delivery logs, leads and the loan link: what happens around and after a stream."""
from __future__ import annotations

import pytest

from dropin_common.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from dropin_streams.domain.lead import Contact
from dropin_streams.domain.stream import StreamLog
from dropin_streams.use_cases.accept_stream import accept_stream
from dropin_streams.use_cases.leads import CreateLead, create_lead
from dropin_streams.use_cases.loan_link import send_loan_link
from dropin_streams.use_cases.request_stream import RequestStream, request_stream
from dropin_streams.use_cases.stop_stream import stop_stream
from dropin_streams.use_cases.stream_activity import list_streams, log_delivery, note_stream

from .conftest import ORG_TOKEN, VIN, at, organization, principal

SHOPPER = Contact(first_name="Sam", last_name="Shopper", email="sam@example.com", phone="555-0100")


def ended_stream(uow, decoder, code="ACME", when=0):
    stream = request_stream(uow, decoder, RequestStream(code, VIN, model="Accord"), at(when)).stream
    accept_stream(uow, principal("alice" if code == "ACME" else "zed", org_id=None), stream.id, at(when + 1))
    return stop_stream(uow, stream.id, None, at(when + 100))


def live_stream(uow, decoder):
    return request_stream(uow, decoder, RequestStream("ACME", VIN), at(0)).stream


# --- notes -------------------------------------------------------------------------------------

def test_a_live_stream_cannot_be_noted(uow, decoder):
    stream = live_stream(uow, decoder)
    with pytest.raises(Conflict) as refused:
        note_stream(uow, stream.id, "nice car", None)
    assert refused.value.code == "stream_not_ended"


def test_a_note_on_an_ended_stream_is_stored_edited_and_announced(uow, decoder):
    stream = ended_stream(uow, decoder)
    note_stream(uow, stream.id, "first", None)
    noted = note_stream(uow, stream.id, "edited", principal("alice"))
    assert noted.note == "edited" and uow.streams.get(stream.id).note == "edited"
    events = uow.outbox.events("stream.noted")
    assert [e["data"]["stream"]["note"] for e in events] == ["first", "edited"]
    assert events[1]["data"]["stream"]["version"] == events[0]["data"]["stream"]["version"] + 1


def test_a_dealer_of_another_organization_cannot_note_the_stream(uow, decoder):
    stream = ended_stream(uow, decoder)
    with pytest.raises(Forbidden):
        note_stream(uow, stream.id, "mine now", principal("zed", org_id="org-2"))


def test_an_admin_can_note_any_stream(uow, decoder):
    stream = ended_stream(uow, decoder)
    assert note_stream(uow, stream.id, "checked", principal("root", role="admin")).note == "checked"


def test_noting_an_unknown_stream_is_not_found(uow):
    with pytest.raises(NotFound):
        note_stream(uow, "missing", "x", None)


# --- delivery logs -----------------------------------------------------------------------------

def test_delivery_logs_are_kept_in_order_on_the_stream(uow, decoder):
    stream = live_stream(uow, decoder)
    log_delivery(uow, stream.id, StreamLog("pusher", 3, at(1)))
    log_delivery(uow, stream.id, StreamLog("push", 200, at(2)))
    assert [(log.type, log.code) for log in uow.streams.get(stream.id).logs] == [("pusher", 3), ("push", 200)]


def test_logging_for_an_unknown_stream_is_not_found(uow):
    with pytest.raises(NotFound):
        log_delivery(uow, "missing", StreamLog("push", 1, at(0)))


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


# --- loan link ---------------------------------------------------------------------------------

def test_the_loan_link_is_mailed_to_the_shopper_of_an_ended_stream(uow, decoder):
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    message = send_loan_link(uow, stream.id, "dealer@dropin.test", at(300))
    assert message.recipient == "sam@example.com" and "https://loans.example/acme" in message.body
    assert uow.outbound_messages.rows == [message]
    [email] = uow.outbox.emails()
    assert (email["to"], email["from"], email["messageId"]) == ("sam@example.com", "dealer@dropin.test", message.id)


def test_the_loan_link_goes_to_the_newest_lead_that_left_an_email(uow, decoder):
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(Contact(first_name="Old", email="old@example.com"), stream_id=stream.id), at(100))
    create_lead(uow, decoder, CreateLead(Contact(first_name="New", email="new@example.com"), stream_id=stream.id), at(200))
    create_lead(uow, decoder, CreateLead(Contact(phone="555"), stream_id=stream.id), at(250))
    message = send_loan_link(uow, stream.id, "x@y", at(300))
    assert message.recipient == "new@example.com" and message.body.startswith("Hello New,")


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


def test_a_dealer_of_another_organization_cannot_send_the_loan_link(uow, decoder):
    stream = ended_stream(uow, decoder)
    create_lead(uow, decoder, CreateLead(SHOPPER, stream_id=stream.id), at(200))
    with pytest.raises(Forbidden):
        send_loan_link(uow, stream.id, "x@y", at(300), principal("zed", org_id="org-2"))
    assert uow.outbox.emails() == []
