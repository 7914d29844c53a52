"""Call figures (KPIs) and how they add up: counts, sums and an exact histogram of answer times.

Definitions (the README repeats them): a call is *answered* when a dealer accepted it (its stream has
an `acceptedAt`), whatever happened next; *missed* when it ended before anyone accepted (status
`missed`); *expired* when the dealer who accepted it stopped pinging (status `expired`). So a call
accepted then expired counts once as answered and once as expired; `answerRate` is answered / calls.

Answer times are whole seconds, so a histogram {seconds: calls} holds every value exactly, and
percentiles read from it equal PostgreSQL's `percentile_cont` over the same calls.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from math import floor


def percentile_cont(histogram: dict[int, int], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over the values a histogram {value: count} holds: the value at
    position fraction * (n - 1) of the sorted values, interpolated between its two neighbours."""
    return percentiles_cont(histogram, (fraction,))[0]


def percentiles_cont(histogram: dict[int, int], fractions: tuple[float, ...]) -> list[float | None]:
    """percentile_cont at each fraction, sorting the histogram once (a series computes this for
    every bucket: cumulative counts and a binary search, not a walk per fraction)."""
    ordered = sorted(item for item in histogram.items() if item[1] > 0)
    if not ordered:
        return [None for _ in fractions]
    values = [value for value, _ in ordered]
    ends = list(accumulate(count for _, count in ordered))  # ends[i]: the rank just past values[i]'s copies
    results: list[float | None] = []
    for fraction in fractions:
        position = fraction * (ends[-1] - 1)
        lower_rank, weight = floor(position), position - floor(position)
        lower = values[bisect_right(ends, lower_rank)]  # the value at 0-based rank lower_rank
        results.append(float(lower) if weight == 0
                       else lower + (values[bisect_right(ends, lower_rank + 1)] - lower) * weight)
    return results


@dataclass
class CallFigures:
    """What the KPIs are computed from; figures of disjoint sets of calls add up with `add`."""
    calls: int = 0
    answered: int = 0
    missed: int = 0
    expired: int = 0
    duration_total: int = 0  # seconds, over the calls with a duration
    durations: int = 0
    leads: int = 0
    calls_with_lead: int = 0
    answer_times: Counter[int] = field(default_factory=Counter)  # whole seconds -> answered calls

    def add(self, other: CallFigures) -> CallFigures:
        for name in ("calls", "answered", "missed", "expired", "duration_total", "durations", "leads",
                     "calls_with_lead"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.answer_times.update(other.answer_times)
        return self

    def kpis(self) -> Kpis:
        p50, p90, top = percentiles_cont(self.answer_times, (0.5, 0.9, 1.0))
        return Kpis(
            calls=self.calls, answered=self.answered, missed=self.missed, expired=self.expired,
            answer_rate=_rate(self.answered, self.calls),
            time_to_answer_p50=p50, time_to_answer_p90=p90,
            time_to_answer_max=int(top) if top is not None else None,
            average_duration_seconds=round(self.duration_total / self.durations, 1) if self.durations else None,
            leads=self.leads, lead_rate=_rate(self.calls_with_lead, self.calls))


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass(frozen=True)
class Kpis:
    calls: int
    answered: int
    missed: int
    expired: int
    answer_rate: float
    time_to_answer_p50: float | None
    time_to_answer_p90: float | None
    time_to_answer_max: int | None
    average_duration_seconds: float | None
    leads: int
    lead_rate: float


@dataclass(frozen=True)
class SeriesBucket:
    start: str  # the bucket's first local day, YYYY-MM-DD
    kpis: Kpis


@dataclass(frozen=True)
class Heatmap:
    """calls[weekday][hour] and missed[weekday][hour]; weekday 0 is Monday, hours in the zone."""
    calls: list[list[int]]
    missed: list[list[int]]

    @classmethod
    def empty(cls) -> Heatmap:
        return cls([[0] * 24 for _ in range(7)], [[0] * 24 for _ in range(7)])


@dataclass(frozen=True)
class DealerStanding:
    dealer_id: str
    dealer_name: str | None
    answered: int
    median_time_to_answer_seconds: float | None
    average_duration_seconds: float | None
    leads: int


@dataclass
class DealerFigures:
    """One dealer's answered calls in a period, as pre-aggregations sum them (figures of disjoint
    sets of calls add up, and subtract)."""
    dealer_id: str
    answered: int = 0
    duration_total: int = 0
    durations: int = 0
    leads: int = 0
    answer_times: Counter[int] = field(default_factory=Counter)

    def median(self) -> float | None:
        return percentile_cont(self.answer_times, 0.5)  # counts at zero (subtracted away) are skipped there


def leaderboard_candidates(answered: dict[str, int], skip: int, limit: int | None) -> tuple[list[str], int]:
    """Leaderboard pages rank by answered (most first), then median time to answer, then dealer id:
    only dealers whose answered count lies between those at the page's first and last place can be
    on it, ties at both edges included, so only their medians are needed. Returns those dealers and
    how many dealers rank before all of them (they answered more). Dealers with nothing answered are
    not ranked."""
    counts = sorted((count for count in answered.values() if count > 0), reverse=True)
    if skip >= len(counts) or limit == 0:
        return [], len(counts)
    highest = counts[skip]
    lowest = counts[min(len(counts), skip + limit) - 1] if limit is not None else counts[-1]
    candidates = [dealer for dealer, count in answered.items() if lowest <= count <= highest]
    before = sum(1 for count in counts if count > highest)
    return candidates, before


def standing_order(figures: DealerFigures) -> tuple[int, bool, float, str]:
    """The leaderboard's order (the SQL fallback's: answered desc, median asc NULLS LAST, dealer id
    in code point order, PostgreSQL's COLLATE "C")."""
    median = figures.median()
    return (-figures.answered, median is None, median if median is not None else 0.0, figures.dealer_id)


def leaderboard_page(candidates: list[DealerFigures], before: int, skip: int, limit: int | None) -> list[DealerFigures]:
    """The page out of the candidates `leaderboard_candidates` chose, `before` dealers ranking ahead."""
    ordered = sorted(candidates, key=standing_order)
    first = skip - before
    return ordered[first:first + limit] if limit is not None else ordered[first:]
