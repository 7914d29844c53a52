import uuid
from datetime import datetime, timezone

from dropin_common.contracts.golden import example
from dropin_common.events import STREAM_ACCEPTED, STREAM_REQUESTED, STREAM_STOPPED

from dropin_chat.use_cases.replicate_streams import apply_stream_event

STREAM_ID = str(uuid.uuid4())
OCCURRED = datetime(2026, 1, 1, 12, 30, tzinfo=timezone.utc)


def stream_event(event_type, version, status, dealer_id=None, stopped_at=None):
    return example(event_type, occurred_at=OCCURRED, id=STREAM_ID, version=version, organizationId="org-1",
                   status=status, dealerId=dealer_id, stoppedAt=stopped_at)


def test_first_snapshot_of_a_stream_is_stored(chat):
    assert apply_stream_event(stream_event(STREAM_REQUESTED, 1, "requested"), chat.replica)

    stored = chat.store.streams[STREAM_ID]
    assert (stored.version, stored.status, stored.organization_id) == (1, "requested", "org-1")


def test_newer_snapshot_replaces_the_older_one(chat):
    apply_stream_event(stream_event(STREAM_REQUESTED, 1, "requested"), chat.replica)

    apply_stream_event(stream_event(STREAM_ACCEPTED, 2, "streaming", dealer_id="dealer-1"), chat.replica)

    assert chat.store.streams[STREAM_ID].dealer_id == "dealer-1"


def test_older_snapshot_arriving_late_changes_nothing(chat):
    apply_stream_event(stream_event(STREAM_ACCEPTED, 2, "streaming", dealer_id="dealer-1"), chat.replica)

    changed = apply_stream_event(stream_event(STREAM_REQUESTED, 1, "requested"), chat.replica)

    assert not changed
    assert chat.store.streams[STREAM_ID].status == "streaming"


def test_repeated_snapshot_changes_nothing(chat):
    event = stream_event(STREAM_REQUESTED, 1, "requested")
    apply_stream_event(event, chat.replica)

    assert not apply_stream_event(event, chat.replica)


def test_ended_stream_ends_at_its_stop_time(chat):
    apply_stream_event(stream_event(STREAM_STOPPED, 3, "completed", "dealer-1",
                                    stopped_at="2026-01-01T12:10:00Z"), chat.replica)

    assert chat.store.streams[STREAM_ID].ended_at == datetime(2026, 1, 1, 12, 10, tzinfo=timezone.utc)


def test_ended_stream_without_a_stop_time_ends_at_the_event_time(chat):
    apply_stream_event(stream_event(STREAM_STOPPED, 3, "expired", "dealer-1"), chat.replica)

    assert chat.store.streams[STREAM_ID].ended_at == OCCURRED
