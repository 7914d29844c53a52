"""Event contracts: every type and version has a class and a golden example, the classes read and
write exactly the golden JSON, and a payload change without a new version or example is caught."""
import copy
import json
from datetime import datetime, timezone

import pytest

from dropin_common import events
from dropin_common.contracts import CONTRACTS, auth, parse, streams
from dropin_common.contracts.golden import (GOLDEN_DIR, example_event, golden_envelope, golden_event,
                                            golden_examples, golden_mismatches)
from dropin_common.events import Event
from dropin_common.topology import CHAT_QUEUE, DASHBOARD_QUEUE

EVENT_TYPES = {value for name, value in vars(events).items()
               if name.isupper() and isinstance(value, str) and "." in value}


def test_every_event_type_has_a_contract_and_every_contract_a_golden_example():
    assert {event_type for event_type, _version in CONTRACTS} == EVENT_TYPES
    golden = {path.name for path in GOLDEN_DIR.glob("*.json")}
    assert golden == {f"{event_type}.v{version}.json" for event_type, version in CONTRACTS}


@pytest.mark.parametrize("key", sorted(CONTRACTS), ids=lambda key: f"{key[0]}.v{key[1]}")
def test_a_golden_example_parses_into_its_class_and_writes_back_the_same_json(key):
    envelope = golden_envelope(*key)
    typed = parse(Event.from_envelope(envelope))
    assert type(typed) is CONTRACTS[key]
    assert typed.to_event().to_envelope() == envelope
    assert golden_mismatches(envelope) == []


def test_a_new_field_without_a_new_version_or_example_is_caught():
    envelope = golden_envelope(events.STREAM_STOPPED)
    envelope["data"]["stream"]["shopperRating"] = 5
    assert golden_mismatches(envelope) == ["stream.stopped v1: .data.stream.shopperRating: not in the golden example"]


def test_a_dropped_or_retyped_field_is_caught():
    dropped = golden_envelope(events.LEAD_CREATED)
    del dropped["data"]["lead"]["phone"]
    assert golden_mismatches(dropped) == ["breaks its contract: data.lead.phone: missing"]
    optional = golden_envelope(events.STREAM_STOPPED)  # a field older events may lack: still written
    del optional["data"]["stream"]["missedReason"]
    assert golden_mismatches(optional) == ["stream.stopped v1: .data.stream.missedReason: missing"]
    retyped = golden_envelope(events.DEALER_PRESENCE_LAPSED)
    retyped["data"]["timeoutSeconds"] = "120"
    assert golden_mismatches(retyped) == [
        "breaks its contract: data.timeoutSeconds: expected int, got str"]


def test_null_where_the_example_has_a_value_still_matches_the_example():
    envelope = golden_envelope(events.STREAM_STOPPED)
    envelope["data"]["stream"].update(dealer=None, dealerId=None, acceptedAt=None)
    assert golden_mismatches(envelope) == []


def test_an_unknown_version_has_no_contract():
    envelope = golden_envelope(events.STREAM_REQUESTED)
    envelope["version"] = 2
    assert golden_mismatches(envelope) == ["no contract for stream.requested version 2"]
    with pytest.raises(ValueError, match="no contract for stream.requested version 2"):
        parse(Event.from_envelope(envelope))


def test_a_payload_that_breaks_its_contract_names_the_field():
    event = example_event(events.STREAM_ACCEPTED, requestedAt="yesterday")
    with pytest.raises(ValueError, match=r"data\.stream\.requestedAt: expected an ISO-8601 time"):
        parse(event)
    event = example_event(events.ACCOUNT_UPDATED)
    del event.data["account"]["role"]
    with pytest.raises(ValueError, match=r"data\.account\.role: missing"):
        parse(event)


def test_organization_events_from_before_the_settings_existed_still_parse():
    """Auth's outbox is replayed to rebuild read models: old payloads keep their meaning."""
    old = golden_event(events.ORGANIZATION_UPDATED)
    for key in ("timezone", "businessHours", "holidays", "crmLeadEmails", "managerEmails"):
        del old.data["organization"][key]
    organization = parse(old).organization
    assert (organization.timezone, organization.business_hours, organization.holidays,
            organization.crm_lead_emails, organization.manager_emails) == (None, {}, (), (), ())


def test_typed_events_carry_the_envelopes_id_time_and_correlation():
    event = golden_event(events.STREAM_NOTED)
    typed = parse(event)
    assert (typed.event_id, typed.occurred_at, typed.correlation_id) == (event.id, event.occurred_at,
                                                                        event.correlation_id)
    assert typed.stream.note == "Wants a test drive on Saturday"
    assert typed.stream.requested_at == datetime(2026, 6, 16, 10, 0, 0, 123000, tzinfo=timezone.utc)


def test_chat_message_keeps_its_from_key():
    typed = parse(golden_event(events.CHAT_MESSAGE_SAVED))
    assert typed.message.sender == "shopper" and typed.to_data()["message"]["from"] == "shopper"


def test_a_queue_is_fed_the_golden_examples_its_bindings_match():
    assert golden_examples(CHAT_QUEUE.bindings) == sorted([
        (events.ACCOUNT_PRESENCE_CHANGED, 1), (events.ACCOUNT_REGISTERED, 1), (events.ACCOUNT_TOKENS_REVOKED, 1),
        (events.ACCOUNT_UPDATED, 1), (events.STREAM_ACCEPTED, 1), (events.STREAM_NOTED, 1),
        (events.STREAM_REQUESTED, 1), (events.STREAM_STOPPED, 1)])
    assert (events.CHAT_MESSAGE_SAVED, 1) not in golden_examples(DASHBOARD_QUEUE.bindings)


def test_producers_build_contracts_not_dictionaries():
    stopped = streams.StreamStopped(stream=parse(golden_event(events.STREAM_STOPPED)).stream)
    assert stopped.to_event().type == events.STREAM_STOPPED
    revoked = auth.AccountTokensRevoked(account_id="a-1", jti="j-1")
    assert revoked.to_data() == {"accountId": "a-1", "jti": "j-1", "expiresAt": None, "notBefore": None}
    assert json.loads(json.dumps(revoked.to_event().to_envelope()))["data"] == copy.deepcopy(revoked.to_data())


def test_the_keys_of_a_free_form_object_are_data_not_shape():
    envelope = golden_envelope(events.ORGANIZATION_UPDATED)
    envelope["data"]["organization"]["businessHours"] = {"tue": [["08:00", "17:00"]]}
    assert golden_mismatches(envelope) == []
    envelope["data"]["organization"]["businessHours"] = ["mon"]
    assert golden_mismatches(envelope) == ["breaks its contract: data.organization.businessHours: expected an "
                                           "object, got list"]
