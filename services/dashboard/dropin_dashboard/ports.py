"""What the use cases need from the outside world, as small abstract classes."""
from __future__ import annotations

import abc
from collections.abc import Iterator
from datetime import datetime

from dropin_common.contracts.auth import AccountTokensRevoked

from .domain.filters import Page, Period, RecordFilter
from .domain.kpis import CallFigures, DealerStanding, Heatmap
from .domain.zones import Zone
from .domain.records import Account, Lead, Organization, Shopper, StreamSnapshot
from .domain.views import Call, CallLeadCounts, LeadWithCall, OrganizationWithDealers


class ProjectionStore(abc.ABC):
    """The read models as event handlers change them, on the handler's own transaction."""

    @abc.abstractmethod
    def lock(self, *keys: str) -> None:
        """Serialise handlers touching the same records until the transaction ends (the keys are
        taken in the order given)."""

    @abc.abstractmethod
    def call_version(self, stream_id: str) -> int | None: ...

    @abc.abstractmethod
    def save_call(self, snapshot: StreamSnapshot, shopper: Shopper) -> None: ...

    @abc.abstractmethod
    def set_dealers_rung(self, stream_id: str, dealers_rung: int) -> None:
        """Record how many dealers a call rang, unless known already (a late stream.requested)."""

    @abc.abstractmethod
    def refresh_call_lead_count(self, stream_id: str) -> None:
        """Recount the call's leads (no effect while the call is unknown; save_call counts them)."""

    @abc.abstractmethod
    def set_call_shopper(self, stream_id: str, shopper: Shopper) -> None:
        """No effect while the call is unknown; `save_call` picks the shopper up later."""

    @abc.abstractmethod
    def call_status(self, stream_id: str) -> str | None: ...

    @abc.abstractmethod
    def save_lead(self, lead: Lead, call_status: str | None) -> None:
        """Insert or overwrite (a lead never changes; a redelivery writes the same values)."""

    @abc.abstractmethod
    def latest_shopper(self, stream_id: str) -> Shopper | None:
        """The shopper of the stream's newest lead, None without a lead."""

    @abc.abstractmethod
    def set_leads_call_status(self, stream_id: str, status: str) -> None: ...

    @abc.abstractmethod
    def organization_updated_at(self, organization_id: str) -> datetime | None: ...

    @abc.abstractmethod
    def ensure_organization(self, organization_id: str, name: str, code: str | None) -> str | None:
        """Record an organization first seen in a stream or lead, unless it is known already; its
        current name."""

    @abc.abstractmethod
    def save_organization(self, organization: Organization) -> None: ...

    @abc.abstractmethod
    def rename_organization_records(self, organization_id: str, name: str) -> None:
        """Carry a new organization name onto its calls and leads (so filters find them)."""

    @abc.abstractmethod
    def account_updated_at(self, account_id: str) -> datetime | None: ...

    @abc.abstractmethod
    def save_account(self, account: Account) -> None: ...

    @abc.abstractmethod
    def revoke_tokens(self, revocation: AccountTokensRevoked) -> None: ...


class ReadModels(abc.ABC):
    """Queries over the read models."""

    @abc.abstractmethod
    def list_calls(self, criteria: RecordFilter, page: Page) -> list[Call]: ...

    @abc.abstractmethod
    def count_calls(self, criteria: RecordFilter) -> int: ...

    @abc.abstractmethod
    def list_leads(self, criteria: RecordFilter, page: Page) -> list[LeadWithCall]: ...

    @abc.abstractmethod
    def count_leads(self, criteria: RecordFilter) -> int: ...

    def count_calls_and_leads(self, period: Period) -> CallLeadCounts:
        """Both counts within `period`; an adapter may answer them in one query."""
        criteria = RecordFilter(period=period)
        return CallLeadCounts(calls=self.count_calls(criteria), leads=self.count_leads(criteria))

    @abc.abstractmethod
    def list_organizations(self, name: str | None, page: Page) -> list[OrganizationWithDealers]: ...


class CallReports(abc.ABC):
    """Figures over calls: exact, whichever filters are given."""

    @abc.abstractmethod
    def organization_timezone(self, organization_id: str) -> str | None: ...

    @abc.abstractmethod
    def figures(self, criteria: RecordFilter, periods: list[Period]) -> list[CallFigures]:
        """The figures of the calls matching `criteria` (its period ignored) within each period."""

    @abc.abstractmethod
    def heatmap(self, criteria: RecordFilter, zone: Zone) -> Heatmap: ...

    @abc.abstractmethod
    def leaderboard(self, criteria: RecordFilter, page: Page) -> list[DealerStanding]: ...


class CsvExporter(abc.ABC):
    """CSV of calls or leads, produced block by block (never the whole file in memory)."""

    @abc.abstractmethod
    def calls_csv(self, criteria: RecordFilter, page: Page, timezone_offset: int) -> Iterator[bytes]: ...

    @abc.abstractmethod
    def leads_csv(self, criteria: RecordFilter, page: Page, timezone_offset: int) -> Iterator[bytes]: ...


class ReadModelMaintenance(abc.ABC):
    @abc.abstractmethod
    def truncate(self) -> None:
        """Empty the read models and the inbox, so replayed events are applied again."""

    @abc.abstractmethod
    def recount_periods(self) -> None:
        """Rebuild the period, facet and name counts from the rows (after rows were loaded or fixed by hand)."""

