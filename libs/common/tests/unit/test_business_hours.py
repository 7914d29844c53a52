"""Business hours: validation of the wire form, and open / next opening across time zones, DST
changes, intervals running past midnight and holidays."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from dropin_common.business_hours import (
    BusinessHours, InvalidBusinessHours, parse_holidays, parse_timezone, parse_weekly, weekly_wire)

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_9_TO_6 = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def hours(business_hours, holidays=(), zone="America/New_York") -> BusinessHours:
    return BusinessHours.from_wire(zone, business_hours, list(holidays))


def local(zone: ZoneInfo, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, fragment", [
    ({"monday": [["09:00", "18:00"]]}, "Unknown day 'monday'"),
    ({"mon": [["9:00", "18:00"]]}, "mon[0]: '9:00' is not a time"),
    ({"mon": [["09:00", "25:00"]]}, "not a time"),
    ({"mon": [["24:00", "02:00"]]}, "24:00 may only end"),
    ({"mon": [["09:00", "09:00"]]}, "start and end are equal"),
    ({"mon": [["09:00"]]}, "mon[0]: must be a [start, end] pair"),
    ({"mon": "09:00-18:00"}, "mon: must be a list"),
    (["mon"], "Must be an object"),
    ({"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}, "mon 09:00-13:00 overlaps mon 12:00-18:00"),
    ({"mon": [["22:00", "03:00"]], "tue": [["02:00", "10:00"]]}, "mon 22:00-03:00 overlaps tue 02:00-10:00"),
    ({"sun": [["20:00", "02:00"]], "mon": [["01:00", "09:00"]]}, "sun 20:00-02:00 overlaps mon 01:00-09:00"),
])
def test_bad_business_hours_are_refused_naming_the_field(bad, fragment):
    with pytest.raises(InvalidBusinessHours) as refused:
        parse_weekly(bad)
    assert refused.value.field == "businessHours"
    assert fragment in str(refused.value)


def test_touching_intervals_and_a_whole_day_are_valid_and_come_back_sorted():
    weekly = parse_weekly({"tue": [["13:00", "18:00"], ["09:00", "13:00"]], "sat": [["00:00", "24:00"]],
                           "sun": [["22:00", "02:00"]], "mon": [["02:00", "09:00"]], "wed": []})
    assert weekly_wire(weekly) == {"mon": [["02:00", "09:00"]],
                                   "tue": [["09:00", "13:00"], ["13:00", "18:00"]],
                                   "sat": [["00:00", "24:00"]], "sun": [["22:00", "02:00"]]}


def test_bad_holidays_and_time_zones_name_their_fields():
    with pytest.raises(InvalidBusinessHours) as bad_day:
        parse_holidays(["2026-02-30"])
    assert bad_day.value.field == "holidays" and "holidays[0]" in str(bad_day.value)
    with pytest.raises(InvalidBusinessHours) as bad_zone:
        parse_timezone("Mars/Olympus_Mons")
    assert bad_zone.value.field == "timezone"
    assert parse_holidays(["2026-12-25", "2026-12-25"]) == {datetime(2026, 12, 25).date()}


# --- open or closed ---------------------------------------------------------------------------------

def test_no_hours_means_always_open():
    assert hours({}).is_open(datetime(2026, 5, 3, 3, 0, tzinfo=timezone.utc))
    assert hours(None).next_open(datetime(2026, 5, 3, 3, 0, tzinfo=timezone.utc)) is None


def test_hours_are_read_in_the_organization_time_zone():
    schedule = hours(WEEKDAYS_9_TO_6)  # New York: UTC-4 in May
    assert schedule.is_open(datetime(2026, 5, 4, 13, 0, tzinfo=timezone.utc))       # Mon 09:00 local
    assert not schedule.is_open(datetime(2026, 5, 4, 12, 59, tzinfo=timezone.utc))   # Mon 08:59 local
    assert not schedule.is_open(datetime(2026, 5, 4, 22, 0, tzinfo=timezone.utc))    # Mon 18:00 local
    tokyo = hours(WEEKDAYS_9_TO_6, zone="Asia/Tokyo")
    assert tokyo.is_open(datetime(2026, 5, 4, 1, 0, tzinfo=timezone.utc))            # Mon 10:00 in Tokyo


def test_next_opening_is_given_with_the_organization_offset():
    friday_evening = local(NEW_YORK, 2026, 5, 8, 19, 30)
    opens = hours(WEEKDAYS_9_TO_6).next_open(friday_evening)
    assert opens.isoformat() == "2026-05-11T09:00:00-04:00"  # Monday morning


def test_an_interval_across_midnight_is_open_on_both_sides_of_it():
    schedule = hours({"fri": [["20:00", "02:00"]]})
    assert schedule.is_open(local(NEW_YORK, 2026, 5, 8, 23, 59))     # Friday night
    assert schedule.is_open(local(NEW_YORK, 2026, 5, 9, 1, 30))      # early Saturday, same shift
    assert not schedule.is_open(local(NEW_YORK, 2026, 5, 9, 2, 0))
    assert not schedule.is_open(local(NEW_YORK, 2026, 5, 9, 20, 30))  # Saturday has no shift
    assert schedule.next_open(local(NEW_YORK, 2026, 5, 9, 2, 0)).isoformat() == "2026-05-15T20:00:00-04:00"


def test_sunday_night_shift_runs_into_monday():
    schedule = hours({"sun": [["22:00", "06:00"]]}, zone="Europe/Berlin")
    assert schedule.is_open(datetime(2026, 5, 11, 3, 0, tzinfo=ZoneInfo("Europe/Berlin")))  # Monday 03:00


def test_holidays_close_the_intervals_that_start_on_them():
    christmas = "2026-12-25"  # a Friday
    schedule = hours({"thu": [["20:00", "02:00"]], "fri": [["09:00", "18:00"]]}, holidays=[christmas])
    assert not schedule.is_open(local(NEW_YORK, 2026, 12, 25, 10, 0))
    assert schedule.is_open(local(NEW_YORK, 2026, 12, 25, 1, 0))  # Thursday's night shift runs into it
    assert schedule.next_open(local(NEW_YORK, 2026, 12, 25, 10, 0)).isoformat() == "2026-12-31T20:00:00-05:00"


def test_holidays_close_an_otherwise_always_open_organization_for_the_day():
    schedule = hours({}, holidays=["2026-07-04"])
    assert not schedule.is_open(local(NEW_YORK, 2026, 7, 4, 12, 0))
    assert schedule.is_open(local(NEW_YORK, 2026, 7, 5, 0, 0))
    assert schedule.next_open(local(NEW_YORK, 2026, 7, 4, 12, 0)).isoformat() == "2026-07-05T00:00:00-04:00"


def test_spring_forward_opening_uses_the_new_offset():
    # 2026-03-08: New York skips 02:00-03:00 and changes from -05:00 to -04:00.
    schedule = hours({"sun": [["09:00", "17:00"]]})
    before = datetime(2026, 3, 8, 6, 0, tzinfo=timezone.utc)  # 01:00 EST
    assert schedule.next_open(before).isoformat() == "2026-03-08T09:00:00-04:00"
    assert schedule.is_open(datetime(2026, 3, 8, 13, 0, tzinfo=timezone.utc))  # 09:00 EDT
    assert not schedule.is_open(datetime(2026, 3, 8, 13, 0, tzinfo=timezone.utc).replace(hour=12, minute=59))


def test_an_opening_inside_the_skipped_hour_lands_when_the_clocks_jump():
    schedule = hours({"sun": [["02:30", "04:00"]]})
    assert schedule.next_open(local(NEW_YORK, 2026, 3, 8, 0, 0)).isoformat() == "2026-03-08T03:30:00-04:00"


def test_fall_back_keeps_wall_clock_hours():
    # 2026-11-01: New York repeats 01:00-02:00 and returns to -05:00; 09:00 is 14:00 UTC again.
    schedule = hours({"sun": [["09:00", "17:00"]]})
    assert not schedule.is_open(datetime(2026, 11, 1, 13, 30, tzinfo=timezone.utc))  # 08:30 EST
    assert schedule.is_open(datetime(2026, 11, 1, 14, 0, tzinfo=timezone.utc))
    assert schedule.next_open(datetime(2026, 11, 1, 5, 0, tzinfo=timezone.utc)).isoformat() == \
        "2026-11-01T09:00:00-05:00"


def test_days_listed_without_intervals_leave_nothing_so_always_open():
    schedule = hours({"mon": [], "sun": []})
    assert schedule.always_open and schedule.is_open(local(NEW_YORK, 2026, 5, 4, 12, 0))
