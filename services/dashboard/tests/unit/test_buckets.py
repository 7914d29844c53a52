"""The day and quarter buckets that period counts are kept in, and how a period is split into them."""
from datetime import date, datetime, timedelta, timezone

from dropin_dashboard.adapters.period_buckets import DAY, QUARTER, bucket_of, bucket_ranges, ceil_day, is_boundary
from dropin_dashboard.adapters.read_models import single_facet
from dropin_dashboard.domain.filters import Period, RecordFilter

UTC = timezone.utc


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


def test_moment_falls_in_the_quarter_and_day_that_start_at_or_before_it():
    assert bucket_of(datetime(2026, 6, 16, 10, 29, 59, tzinfo=UTC), QUARTER) == at(16, 10, 15)
    assert bucket_of(at(16, 10, 30), QUARTER) == at(16, 10, 30)
    assert bucket_of(at(16, 23, 59), DAY) == at(16)


def test_every_real_zones_midnight_is_a_quarter_boundary():
    for offset in (0, -420, 300, -330, -345, 570, -765):  # incl. India, Nepal, Marquesas, Chatham
        assert is_boundary(Period.from_days(date(2026, 6, 16), None, offset).start), offset


def test_an_offset_off_the_grid_is_not_a_boundary():
    assert not is_boundary(at(16) + timedelta(minutes=7))


def test_gmt7_days_are_whole_utc_days_plus_quarters_at_both_edges():
    period = Period.from_days(date(2026, 6, 10), date(2026, 6, 19), -420)  # [9th 17:00, 19th 17:00)
    assert bucket_ranges(period.start, period.end) == [
        (DAY, at(10), at(19)), (QUARTER, at(9, 17), at(10)), (QUARTER, at(19), at(19, 17))]


def test_utc_days_need_no_quarters():
    assert bucket_ranges(at(10), at(20)) == [(DAY, at(10), at(20))]


def test_a_single_offset_day_is_quarters_only():
    assert bucket_ranges(at(15, 17), at(16, 17)) == [(QUARTER, at(15, 17), at(16, 17))]


def test_open_ends_use_days_up_to_the_closed_edge():
    assert bucket_ranges(None, None) == [(DAY, None, None)]
    assert bucket_ranges(at(9, 17), None) == [(DAY, at(10), None), (QUARTER, at(9, 17), at(10))]
    assert bucket_ranges(None, at(19, 17)) == [(DAY, None, at(19)), (QUARTER, at(19), at(19, 17))]


def test_only_a_period_can_be_served_from_buckets():
    assert RecordFilter().is_period_only
    assert RecordFilter(period=Period(start=at(16))).is_period_only
    assert not RecordFilter(name="lan").is_period_only
    assert not RecordFilter(statuses=frozenset({"missed"})).is_period_only


def test_only_a_single_status_set_or_vehicle_filter_with_a_period_is_counted_from_facets():
    period = Period(datetime(2026, 6, 1, 17, tzinfo=UTC), None)
    assert single_facet(RecordFilter(statuses=frozenset({"missed", "expired"}))) == ("status", ["expired", "missed"])
    assert single_facet(RecordFilter(car_make="Toyota", period=period)) == ("make", ["Toyota"])
    assert single_facet(RecordFilter(car_type="suv")) == ("type", ["suv"])
    assert single_facet(RecordFilter(car_make="Toyota", car_model="RAV4")) is None
    assert single_facet(RecordFilter(statuses=frozenset({"missed"}), name="tran")) is None
    assert single_facet(RecordFilter(period=period)) is None


def test_ceil_day_is_the_next_utc_midnight_unless_already_on_one():
    midnight = at(2)
    assert ceil_day(midnight) == midnight
    assert ceil_day(midnight - timedelta(minutes=15)) == midnight
    assert ceil_day(midnight - timedelta(hours=23, minutes=45)) == midnight
