import uuid
from datetime import timedelta

from dropin_common.ids import created_at, is_recent, new_id
from dropin_common.timeutil import utcnow


def test_new_ids_are_distinct_uuid7s_that_tell_when_they_were_made():
    before = utcnow()
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert before - timedelta(milliseconds=1) <= created_at(value) <= utcnow()


def test_only_a_recent_uuid7_is_recent():
    now = utcnow()
    assert is_recent(new_id(), now, timedelta(minutes=5))
    assert not is_recent(str(uuid.uuid4()), now, timedelta(minutes=5))
    assert not is_recent("not-a-uuid", now, timedelta(minutes=5))
    assert not is_recent(new_id(), now + timedelta(minutes=6), timedelta(minutes=5))
    assert not is_recent(new_id(), now - timedelta(minutes=1), timedelta(minutes=5))  # from the future
