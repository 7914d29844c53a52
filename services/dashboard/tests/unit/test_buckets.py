"""The 15-minute buckets that period counts are kept in."""
from datetime import datetime, timedelta, timezone

from dropin_dashboard.adapters.tables import bucket_of, is_bucket_boundary
from dropin_dashboard.domain.filters import Period, RecordFilter

UTC = timezone.utc


def test_moment_falls_in_the_quarter_hour_that_starts_at_or_before_it():
    assert bucket_of(datetime(2026, 6, 16, 10, 29, 59, tzinfo=UTC)) == datetime(2026, 6, 16, 10, 15, tzinfo=UTC)
    assert bucket_of(datetime(2026, 6, 16, 10, 30, tzinfo=UTC)) == datetime(2026, 6, 16, 10, 30, tzinfo=UTC)


def test_every_real_zones_midnight_is_a_bucket_boundary():
    for offset in (0, -420, 300, -330, -345, 570, -765):  # incl. India, Nepal, Marquesas, Chatham
        start = Period.from_days(datetime(2026, 6, 16).date(), None, offset).start
        assert is_bucket_boundary(start), offset


def test_an_offset_off_the_grid_is_not_a_boundary():
    assert not is_bucket_boundary(datetime(2026, 6, 16, tzinfo=UTC) + timedelta(minutes=7))


def test_only_a_period_can_be_served_from_buckets():
    assert RecordFilter().is_period_only
    assert RecordFilter(period=Period(start=datetime(2026, 6, 16, tzinfo=UTC))).is_period_only
    assert not RecordFilter(name="lan").is_period_only
    assert not RecordFilter(statuses=frozenset({"missed"})).is_period_only
