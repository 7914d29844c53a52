"""The every-organization leaderboard's calculations: a period summed from day / month / year
buckets with signs and rows at its edges (exact whatever the zone), and a page chosen from answered
counts with exact medians for only the dealers it needs, equal to sorting every dealer."""
import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from dropin_dashboard.adapters.period_buckets import (DAY, MONTH, YEAR, calendar_buckets, month_of,
                                                      signed_calendar_buckets, year_of)
from dropin_dashboard.domain.kpis import (DealerFigures, leaderboard_candidates, leaderboard_page, percentile_cont,
                                          standing_order)

UTC = timezone.utc
START = datetime(2024, 6, 1, tzinfo=UTC)


def moments(count: int, seed: int) -> list[datetime]:
    rng = random.Random(seed)
    return [START + timedelta(seconds=rng.randrange(0, 730 * 86400)) for _ in range(count)]


def summed(calls: list[datetime], start: datetime | None, end: datetime | None) -> int:
    """The count a period gets from the buckets (as the projection keeps them) and its edge rows."""
    buckets = Counter(key for moment in calls for key in calendar_buckets(moment))
    spans, edges = signed_calendar_buckets(start, end)
    total = 0
    for grain, first, after, weight in spans:
        total += weight * sum(count for (kind, bucket), count in buckets.items() if kind == grain
                              and (first is None or bucket >= first) and (after is None or bucket < after))
    for sign, low, high in edges:
        total += sign * sum(1 for moment in calls if low <= moment < high)
    return total


def direct(calls: list[datetime], start: datetime | None, end: datetime | None) -> int:
    return sum(1 for moment in calls if (start is None or moment >= start) and (end is None or moment < end))


def test_a_moment_counts_in_its_utc_day_month_and_year():
    moment = datetime(2025, 3, 31, 23, 59, 59, tzinfo=UTC)
    assert calendar_buckets(moment) == [
        (DAY, datetime(2025, 3, 31, tzinfo=UTC)), (MONTH, datetime(2025, 3, 1, tzinfo=UTC)),
        (YEAR, datetime(2025, 1, 1, tzinfo=UTC))]
    assert month_of(datetime(2025, 12, 31, 23, tzinfo=UTC)) == datetime(2025, 12, 1, tzinfo=UTC)
    assert year_of(datetime(2025, 12, 31, 23, tzinfo=UTC)) == datetime(2025, 1, 1, tzinfo=UTC)


def test_a_local_month_is_its_utc_month_plus_and_minus_the_offset_hours():
    # March 2025 in GMT+7: [Feb 28 17:00Z, Mar 31 17:00Z).
    spans, edges = signed_calendar_buckets(datetime(2025, 2, 28, 17, tzinfo=UTC), datetime(2025, 3, 31, 17, tzinfo=UTC))
    assert spans == [(MONTH, datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC), 1)]
    assert edges == [(1, datetime(2025, 2, 28, 17, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),
                     (-1, datetime(2025, 3, 31, 17, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))]


def test_a_local_year_is_one_year_bucket_and_a_few_hours_of_rows():
    spans, edges = signed_calendar_buckets(datetime(2024, 12, 31, 17, tzinfo=UTC),
                                           datetime(2025, 12, 31, 17, tzinfo=UTC))
    assert spans == [(YEAR, datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), 1)]
    assert sum((high - low for _, low, high in edges), timedelta()) == timedelta(hours=14)


def test_a_day_or_less_is_read_from_its_rows():
    start = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)
    assert signed_calendar_buckets(start, start + timedelta(days=1)) == ([], [(1, start, start + timedelta(days=1))])
    assert signed_calendar_buckets(start, start) == ([], [])


def test_open_ends_take_every_year_on_their_side():
    spans, edges = signed_calendar_buckets(None, None)
    assert (spans, edges) == ([(YEAR, None, None, 1)], [])
    spans, _ = signed_calendar_buckets(datetime(2025, 2, 10, 5, tzinfo=UTC), None)
    assert (YEAR, datetime(2025, 1, 1, tzinfo=UTC), None, 1) in spans


@pytest.mark.parametrize("seed", range(6))
def test_signed_buckets_sum_exactly_to_the_rows_of_any_period(seed):
    """Periods of any length and any edges (whole hours, half-hour and 45-minute zones, seconds,
    open ends, months across years), against counting the calls themselves."""
    calls = moments(3000, seed)
    rng = random.Random(100 + seed)
    periods: list[tuple[datetime | None, datetime | None]] = [(None, None)]
    for _ in range(40):
        start = START + timedelta(seconds=rng.randrange(-86400 * 30, 760 * 86400))
        start = start.replace(minute=rng.choice([0, 0, 15, 30, 45, start.minute]), second=rng.choice([0, start.second]))
        length = timedelta(seconds=rng.choice([3600, 86400, 86400 * 2, 86400 * 31, 86400 * 200, 86400 * 365,
                                               rng.randrange(1, 800 * 86400)]))
        periods.append((start, start + length))
        periods.append((start, None))
        periods.append((None, start))
    for start, end in periods:
        assert summed(calls, start, end) == direct(calls, start, end), (start, end)


def figures(rng: random.Random, dealer: int) -> DealerFigures:
    answered = rng.choice([1, 2, 3, 3, 3, 5, 8])
    times = Counter(rng.randrange(2, 9) for _ in range(answered))
    return DealerFigures(f"d{dealer:03}", answered, answer_times=times)


@pytest.mark.parametrize("seed", range(5))
def test_pages_from_candidates_equal_sorting_every_dealer(seed):
    """Many ties on answered (and on medians): every page, from the candidates' medians only, is the
    slice of every dealer sorted by answered desc, median asc, dealer id."""
    rng = random.Random(seed)
    dealers = [figures(rng, index) for index in rng.sample(range(500), 60)]
    everyone = sorted(dealers, key=lambda one: (-one.answered, percentile_cont(one.answer_times, 0.5), one.dealer_id))
    by_id = {one.dealer_id: one for one in dealers}
    for skip in (0, 1, 5, 17, 20, 41, 59, 60, 75):
        for limit in (1, 3, 20, 100, None):
            candidates, before = leaderboard_candidates({one.dealer_id: one.answered for one in dealers}, skip, limit)
            page = leaderboard_page([by_id[dealer] for dealer in candidates], before, skip, limit)
            expected = everyone[skip:skip + limit] if limit is not None else everyone[skip:]
            assert [one.dealer_id for one in page] == [one.dealer_id for one in expected], (skip, limit)
            assert len(candidates) <= len(dealers)


def test_only_the_dealers_tied_with_the_page_are_candidates():
    answered = {"a": 9, "b": 7, "c": 7, "d": 5, "e": 5, "f": 5, "g": 2, "h": 0}
    assert leaderboard_candidates(answered, 0, 1) == (["a"], 0)
    assert leaderboard_candidates(answered, 1, 2) == (["b", "c"], 1)
    candidates, before = leaderboard_candidates(answered, 2, 2)  # c (7) and d (5): b, c, d, e, f needed
    assert (sorted(candidates), before) == (["b", "c", "d", "e", "f"], 1)
    assert leaderboard_candidates(answered, 7, 5) == ([], 7)  # h answered nothing: not ranked
    assert leaderboard_candidates(answered, 0, 0) == ([], 7)


def test_the_order_puts_a_dealer_without_answer_times_after_the_others_of_its_count():
    timed = DealerFigures("b", 2, answer_times=Counter({40: 2}))
    untimed = DealerFigures("a", 2)
    assert sorted([untimed, timed], key=standing_order) == [timed, untimed]
