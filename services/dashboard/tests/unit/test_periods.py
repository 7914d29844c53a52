"""Calendar days in the client's zone -> UTC instants (JavaScript offset sign: -420 = GMT+7)."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dropin_dashboard.domain.filters import Period

UTC = timezone.utc


def test_east_of_utc_day_starts_the_previous_evening_in_utc():
    period = Period.from_days(date(2016, 6, 16), date(2016, 6, 16), -420)  # GMT+7
    assert period.start == datetime(2016, 6, 15, 17, 0, tzinfo=UTC)
    assert period.end == datetime(2016, 6, 16, 17, 0, tzinfo=UTC)


def test_west_of_utc_day_starts_after_utc_midnight():
    period = Period.from_days(date(2016, 6, 16), date(2016, 6, 17), 300)  # GMT-5
    assert period.start == datetime(2016, 6, 16, 5, 0, tzinfo=UTC)
    assert period.end == datetime(2016, 6, 18, 5, 0, tzinfo=UTC)


def test_half_hour_zone():
    period = Period.from_days(date(2016, 6, 16), None, -330)  # India, GMT+5:30
    assert period.start == datetime(2016, 6, 15, 18, 30, tzinfo=UTC)
    assert period.end is None


def test_no_offset_is_utc_days_both_inclusive():
    period = Period.from_days(date(2016, 6, 16), date(2016, 6, 16))
    assert (period.end - period.start) == timedelta(days=1)


def test_open_ends_stay_open():
    assert Period.from_days(None, None, -420).is_open
    assert Period.from_days(None, date(2016, 6, 16), -420).start is None


def test_day_matches_the_real_zone_where_the_offset_is_the_clients():
    new_york = ZoneInfo("America/New_York")
    day = date(2026, 7, 4)
    midnight = datetime(2026, 7, 4, tzinfo=new_york)
    offset = -int(midnight.utcoffset().total_seconds() // 60)  # what getTimezoneOffset() says: 240
    assert Period.from_days(day, day, offset).start == midnight.astimezone(UTC)


def test_range_across_a_dst_change_uses_the_single_offset_the_client_sent():
    # US DST starts 2026-03-08. A New York client on 2026-03-07 sends 300 (EST) for the whole range.
    period = Period.from_days(date(2026, 3, 7), date(2026, 3, 9), 300)
    assert period.start == datetime(2026, 3, 7, 5, 0, tzinfo=UTC)      # local midnight EST: exact
    assert period.end == datetime(2026, 3, 10, 5, 0, tzinfo=UTC)       # 3 days of 24 h
    real_end = datetime(2026, 3, 10, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    assert period.end - real_end == timedelta(hours=1)  # EDT midnight is an hour earlier


def test_day_of_a_dst_change_spans_23_hours_only_with_the_real_zone():
    # The client's fixed offset makes every day 24 h, including the 23 h day of the change.
    period = Period.from_days(date(2026, 3, 8), date(2026, 3, 8), 300)
    assert period.end - period.start == timedelta(hours=24)
