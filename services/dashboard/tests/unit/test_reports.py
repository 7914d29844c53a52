"""Report use cases on an in-memory read model."""
from datetime import datetime, timezone

from dropin_dashboard.domain.filters import Period, RecordFilter
from dropin_dashboard.domain.views import CallLeadCounts
from dropin_dashboard.ports import ReadModels
from dropin_dashboard.use_cases import reports


class RecordingReadModels(ReadModels):
    """Counts records whose moment falls in the asked period; remembers what it was asked."""

    def __init__(self, call_moments: list[datetime], lead_moments: list[datetime]):
        self.call_moments, self.lead_moments = call_moments, lead_moments
        self.asked: list[RecordFilter] = []

    @staticmethod
    def _within(moments, period: Period) -> int:
        return sum(1 for moment in moments if (period.start is None or moment >= period.start)
                   and (period.end is None or moment < period.end))

    def count_calls(self, criteria):
        self.asked.append(criteria)
        return self._within(self.call_moments, criteria.period)

    def count_leads(self, criteria):
        self.asked.append(criteria)
        return self._within(self.lead_moments, criteria.period)

    def list_calls(self, criteria, page):
        return []

    def list_leads(self, criteria, page):
        return []

    def list_organizations(self, name, page):
        return []


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 6, day, hour, tzinfo=timezone.utc)


def test_counts_in_a_period_count_calls_and_leads_with_nothing_but_the_period():
    read_models = RecordingReadModels([at(15, 23), at(16, 10), at(16, 18)], [at(16, 10), at(17, 1)])
    period = Period(start=at(15, 17), end=at(16, 17))  # 2026-06-16 in GMT+7
    assert reports.count_calls_and_leads(read_models, period) == CallLeadCounts(calls=2, leads=1)
    assert all(criteria == RecordFilter(period=period) for criteria in read_models.asked)


def test_counts_without_a_period_count_everything():
    read_models = RecordingReadModels([at(15, 23), at(16, 10)], [at(16, 10)])
    assert reports.count_calls_and_leads(read_models) == CallLeadCounts(calls=2, leads=1)

