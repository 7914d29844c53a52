"""The phone search keys a `phone` filter asks the index for (adapters/criteria.py, migration 0010)."""
from datetime import datetime, timezone

from dropin_dashboard.adapters.criteria import phone_key_groups
from dropin_dashboard.domain.filters import Period


def utc(year: int, month: int, day: int = 1, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def month_key(year: int, month: int) -> int:
    return year * 12 + month - 1


def test_each_run_of_four_digits_asks_for_that_run_in_each_month_of_the_period():
    groups = phone_key_groups("54242", Period(utc(2025, 11, 20), utc(2026, 1, 5)))
    months = [month_key(2025, 11), month_key(2025, 12), month_key(2026, 1)]
    assert groups == [[4242 * 100_000 + m for m in months], [5424 * 100_000 + m for m in months]]


def test_a_period_ending_on_a_month_boundary_does_not_ask_for_the_next_month():
    # The year 2025 in GMT+7: from 2024-12-31 17:00 to 2025-12-31 17:00 UTC, thirteen UTC months.
    assert len(phone_key_groups("4242", Period(utc(2024, 12, 31, 17), utc(2025, 12, 31, 17)))[0]) == 13
    assert phone_key_groups("4242", Period(utc(2025, 3), utc(2025, 4))) == [[4242 * 100_000 + month_key(2025, 3)]]


def test_a_repeated_run_is_asked_for_once():
    assert len(phone_key_groups("42424", Period(utc(2025, 3), utc(2025, 4)))) == 2  # 4242 and 2424


def test_no_keys_where_they_cannot_narrow_the_search():
    year = Period(utc(2025, 1), utc(2026, 1))
    assert phone_key_groups("424", year) == []            # fewer than four digits
    assert phone_key_groups("555 4242", year) == []       # other characters: only the trigram index serves
    assert phone_key_groups("٤٢٤٢", year) == []            # digits, but not ASCII ones
    assert phone_key_groups("4242", Period(start=utc(2025, 1))) == []  # an open period
    assert phone_key_groups("4242", Period(utc(2020, 1), utc(2025, 1, 2))) == []  # over 60 months
