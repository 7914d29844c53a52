"""What an admin reads: lists, counts and CSV exports of calls and leads, and organizations."""
from __future__ import annotations

from collections.abc import Iterator

from ..domain.filters import Page, Period, RecordFilter
from ..domain.views import Call, CallLeadCounts, LeadWithCall, OrganizationWithDealers
from ..ports import CsvExporter, ReadModels


def list_calls(read_models: ReadModels, criteria: RecordFilter, page: Page) -> list[Call]:
    return read_models.list_calls(criteria, page)


def count_calls(read_models: ReadModels, criteria: RecordFilter) -> int:
    return read_models.count_calls(criteria)


def list_leads(read_models: ReadModels, criteria: RecordFilter, page: Page) -> list[LeadWithCall]:
    return read_models.list_leads(criteria, page)


def count_leads(read_models: ReadModels, criteria: RecordFilter) -> int:
    return read_models.count_leads(criteria)


def count_calls_and_leads(read_models: ReadModels, period: Period = Period()) -> CallLeadCounts:
    """Calls requested and leads left within `period` (everything when it is open)."""
    return read_models.count_calls_and_leads(period)


def list_organizations(read_models: ReadModels, name: str | None, page: Page) -> list[OrganizationWithDealers]:
    return read_models.list_organizations(name, page)


def export_calls(exporter: CsvExporter, criteria: RecordFilter, page: Page, timezone_offset: int) -> Iterator[bytes]:
    return exporter.calls_csv(criteria, page, timezone_offset)


def export_leads(exporter: CsvExporter, criteria: RecordFilter, page: Page, timezone_offset: int) -> Iterator[bytes]:
    return exporter.leads_csv(criteria, page, timezone_offset)
