"""Queries over the read models, returning the domain's views."""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from dropin_common.db import reading_engine

from ..domain.filters import Page, Period, RecordFilter
from ..domain.records import Account, Dealer, Lead, Organization, Shopper, StreamSnapshot, Vehicle
from ..domain.views import Call, CallLeadCounts, LeadWithCall, OrganizationWithDealers
from ..ports import ReadModels
from .criteria import RecordColumns, call_columns, contains_text, lead_columns, lowered_contains_text
from .period_buckets import DAY, HOUR, bucket_of, bucket_ranges, ceil_day, is_boundary

# A list filtered on a name and a period whose name is expected on at most this many of the period's
# records reads just those (trigram and time bitmaps) and sorts them, a bounded cost.
FEW_NAME_MATCHES = 5000

# The filters facet_counts keeps counts for: facet name, RecordFilter field.
FACET_FILTERS = (("status", "statuses"), ("make", "car_make"), ("model", "car_model"), ("type", "car_type"))


def single_facet(criteria: RecordFilter) -> tuple[str, list[str]] | None:
    """(facet, values) when one status set or one vehicle make/model/type (plus a period) is the
    whole filter."""
    for facet, field in FACET_FILTERS:
        value = getattr(criteria, field)
        if value and criteria == RecordFilter(period=criteria.period, **{field: value}):
            return facet, sorted(value) if facet == "status" else [value]
    return None


def _on_bucket_edges(period: Period) -> bool:
    """Whether period_counts' buckets cover `period` exactly (each end open or on a quarter hour)."""
    return all(moment is None or is_boundary(moment) for moment in (period.start, period.end))


def _total(counts: sa.Table, *where: sa.ColumnElement) -> sa.Select:
    return sa.select(sa.func.coalesce(sa.func.sum(counts.c.count), 0)).where(*where)


def _vehicle(row: RowMapping) -> Vehicle:
    return Vehicle(row["vehicle_make"], row["vehicle_model"], row["vehicle_type"], row["vehicle_year"])


def _shopper(row: RowMapping) -> Shopper:
    return Shopper(row["first_name"], row["last_name"], row["email"], row["phone"])


def call_from_row(row: RowMapping) -> Call:
    dealer = Dealer(row["dealer_id"], row["dealer_first_name"], row["dealer_last_name"]) \
        if row["dealer_id"] else None
    stream = StreamSnapshot(
        id=row["id"], version=row["version"], organization_id=row["organization_id"],
        organization_code=row["organization_code"], organization_name=row["organization_name"],
        vin=row["vin"], vehicle=_vehicle(row), status=row["status"], dealer=dealer,
        requested_at=row["requested_at"], accepted_at=row["accepted_at"], stopped_at=row["stopped_at"],
        stopped_by=row["stopped_by"], note=row["note"], duration_seconds=row["duration_seconds"],
        missed_reason=row["missed_reason"], dealers_rung=row["dealers_rung"])
    return Call(stream, _shopper(row), row["time_to_answer_seconds"])


def lead_from_row(row: RowMapping) -> LeadWithCall:
    lead = Lead(id=row["id"], stream_id=row["stream_id"], organization_id=row["organization_id"],
                organization_name=row["organization_name"], vin=row["vin"], vehicle=_vehicle(row),
                shopper=_shopper(row), comment=row["comment"], created_at=row["created_at"])
    return LeadWithCall(lead, row["call_status"])


def _account_from_row(row: RowMapping) -> Account:
    return Account(id=row["id"], email=row["email"], first_name=row["first_name"], last_name=row["last_name"],
                   phone=row["phone"], role=row["role"], status=row["status"],
                   account_status=row["account_status"], organization_id=row["organization_id"],
                   created_at=row["created_at"], updated_at=row["updated_at"])


class SqlReadModels(ReadModels):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        self._engine = reading_engine(engine)  # reads only: no transaction around them
        self._calls = call_columns(tables)
        self._leads = lead_columns(tables)
        self._organizations = tables["organizations"]
        self._dealers = tables["dealers"]
        self._period_counts = tables["period_counts"]
        self._facet_counts = tables["facet_counts"]
        self._name_counts = tables["name_counts"]
        self._call_stats = tables["call_stats"]

    def _page(self, columns: RecordColumns, criteria: RecordFilter, page: Page) -> list[RowMapping]:
        matching = sa.select(columns.table).where(*columns.where(criteria))
        with self._engine.connect() as conn:
            if self._few_name_matches(conn, columns.table.name, criteria):
                # Under a LIMIT PostgreSQL walks the time index newest first, betting that matches are
                # spread evenly; when the name is rare in the period (or other filters exclude its
                # records) that walk reads the whole period. A materialized CTE is planned for all its
                # rows: the few records with the name in the period, then a sort.
                fenced = matching.cte("matching").prefix_with("MATERIALIZED")
                query = sa.select(fenced).order_by(fenced.c[columns.moment.name].desc(), fenced.c.id.desc())
            else:
                query = matching.order_by(*columns.newest_first)
            return list(conn.execute(query.offset(page.skip).limit(page.limit)).mappings())

    def _few_name_matches(self, conn: Connection, kind: str, criteria: RecordFilter) -> bool:
        """Whether records with the name, spread like all records, are few within a bounded period:
        (records with the name) x (records in the period's UTC days) / (all records), from the counts."""
        start, end = criteria.period.start, criteria.period.end
        if not criteria.name or start is None or end is None:
            return False
        days = self._period_counts
        whole_days = (days.c.kind == kind, days.c.grain == DAY)
        with_name, in_period, overall = conn.execute(sa.select(
            self._with_name(kind, criteria.name).scalar_subquery(),
            _total(days, *whole_days, days.c.bucket >= bucket_of(start, DAY),
                   days.c.bucket < ceil_day(end)).scalar_subquery(),
            _total(days, *whole_days).scalar_subquery())).one()
        return overall > 0 and with_name * in_period <= FEW_NAME_MATCHES * overall

    def _with_name(self, kind: str, name: str) -> sa.Select:
        """How many records carry the name (first or last, substring, any case)."""
        names = self._name_counts
        return _total(names, names.c.kind == kind,
                      sa.or_(lowered_contains_text(names.c.lower_first_name, name),
                             lowered_contains_text(names.c.lower_last_name, name)))

    def _count(self, columns: RecordColumns, criteria: RecordFilter) -> int:
        if criteria.is_period_only and _on_bucket_edges(criteria.period):
            return self._count_from_buckets(columns.table.name, criteria.period)
        by_organization = RecordFilter(period=criteria.period, organization_id=criteria.organization_id,
                                       organization_name=criteria.organization_name)
        if columns.table.name == "calls" and (criteria.organization_id or criteria.organization_name) \
                and criteria == by_organization \
                and all(moment is None or is_boundary(moment, HOUR)
                        for moment in (criteria.period.start, criteria.period.end)):
            return self._count_from_call_stats(criteria)
        facet = single_facet(criteria)
        if facet is not None:
            return self._count_from_facets(columns, criteria, *facet)
        with self._engine.connect() as conn:
            if criteria.name and criteria == RecordFilter(name=criteria.name):
                # The few matching names' counts, not the many records they are on.
                return int(conn.execute(self._with_name(columns.table.name, criteria.name)).scalar_one())
            return self._count_rows(conn, columns, criteria)

    @staticmethod
    def _count_rows(conn: Connection, columns: RecordColumns, criteria: RecordFilter) -> int:
        query = sa.select(sa.func.count()).select_from(columns.table).where(*columns.where(criteria))
        return conn.execute(query).scalar_one()

    def _count_from_facets(self, columns: RecordColumns, criteria: RecordFilter, facet: str, values: list[str]) -> int:
        """Whole UTC days from facet_counts; the part-days at the period's edges from the rows."""
        start, end = criteria.period.start, criteria.period.end
        days_from = None if start is None else ceil_day(start)
        days_to = None if end is None else bucket_of(end, DAY)
        with self._engine.connect() as conn:
            if days_from is not None and days_to is not None and days_from >= days_to:
                return self._count_rows(conn, columns, criteria)  # no whole UTC day inside: few rows
            counts = self._facet_counts
            wanted = [sa.func.lower(value) for value in values] if facet != "status" else values
            query = sa.select(sa.func.coalesce(sa.func.sum(counts.c.count), 0)).where(
                counts.c.kind == columns.table.name, counts.c.facet == facet, counts.c.value.in_(wanted))
            if days_from is not None:
                query = query.where(counts.c.day >= days_from)
            if days_to is not None:
                query = query.where(counts.c.day < days_to)
            total = int(conn.execute(query).scalar_one())
            for edge in (Period(start, days_from), Period(days_to, end)):
                if edge.start is not None and edge.end is not None and edge.start < edge.end:
                    total += self._count_rows(conn, columns, replace(criteria, period=edge))
            return total

    def _count_from_call_stats(self, criteria: RecordFilter) -> int:
        """Calls of one organization (by id) or of the few whose name matches, in a period: whole UTC
        days and edge hours of their call_stats rows, not their (maybe millions of) calls."""
        stats, orgs = self._call_stats, self._organizations
        scopes = []
        if criteria.organization_id:
            scopes.append(stats.c.scope == criteria.organization_id)
        if criteria.organization_name:
            named = sa.select(orgs.c.id).where(contains_text(orgs.c.name, criteria.organization_name))
            scopes.append(stats.c.scope.in_(named.scalar_subquery()))
        total = 0
        with self._engine.connect() as conn:
            # One sum per grain range (an OR of ranges would let the planner read every row of the scopes).
            for grain, start, end in bucket_ranges(criteria.period.start, criteria.period.end, fine=HOUR):
                query = sa.select(sa.func.coalesce(sa.func.sum(stats.c.calls), 0)).where(
                    *scopes, stats.c.grain == grain)
                if start is not None:
                    query = query.where(stats.c.bucket >= start)
                if end is not None:
                    query = query.where(stats.c.bucket < end)
                total += int(conn.execute(query).scalar_one())
        return total

    def _count_from_buckets(self, kind: str, period: Period) -> int:
        return self._sums_from_buckets((kind,), period)[kind]

    def _sums_from_buckets(self, kinds: tuple[str, ...], period: Period) -> dict[str, int]:
        """Each kind's records within `period` (on bucket boundaries), summed from its buckets in one query."""
        counts = self._period_counts
        covering = []
        for grain, start, end in bucket_ranges(period.start, period.end):
            bounds = [counts.c.grain == grain]
            if start is not None:
                bounds.append(counts.c.bucket >= start)
            if end is not None:
                bounds.append(counts.c.bucket < end)
            covering.append(sa.and_(*bounds))
        in_period = sa.or_(*covering)
        query = sa.select(*(sa.func.coalesce(sa.func.sum(counts.c.count).filter(counts.c.kind == kind), 0)
                            for kind in kinds)).where(counts.c.kind.in_(kinds), in_period)
        with self._engine.connect() as conn:
            return {kind: int(total) for kind, total in zip(kinds, conn.execute(query).one(), strict=True)}

    def count_calls_and_leads(self, period: Period) -> CallLeadCounts:
        if _on_bucket_edges(period):
            # Both sums in one round trip instead of two.
            sums = self._sums_from_buckets(("calls", "leads"), period)
            return CallLeadCounts(calls=sums["calls"], leads=sums["leads"])
        return super().count_calls_and_leads(period)

    def list_calls(self, criteria: RecordFilter, page: Page) -> list[Call]:
        return [call_from_row(row) for row in self._page(self._calls, criteria, page)]

    def count_calls(self, criteria: RecordFilter) -> int:
        return self._count(self._calls, criteria)

    def list_leads(self, criteria: RecordFilter, page: Page) -> list[LeadWithCall]:
        return [lead_from_row(row) for row in self._page(self._leads, criteria, page)]

    def count_leads(self, criteria: RecordFilter) -> int:
        return self._count(self._leads, criteria)

    def list_organizations(self, name: str | None, page: Page) -> list[OrganizationWithDealers]:
        orgs, dealers = self._organizations, self._dealers
        query = sa.select(orgs).order_by(orgs.c.created_at.desc(), orgs.c.id.desc()) \
            .offset(page.skip).limit(page.limit)
        if name:
            query = query.where(contains_text(orgs.c.name, name))
        with self._engine.connect() as conn:
            organizations = [Organization(id=row["id"], name=row["name"], code=row["code"],
                                          loan_link=row["loan_link"], created_at=row["created_at"],
                                          updated_at=row["updated_at"])
                             for row in conn.execute(query).mappings()]
            by_organization: dict[str, list[Account]] = {org.id: [] for org in organizations}
            if organizations:
                dealer_rows = conn.execute(
                    sa.select(dealers).where(dealers.c.organization_id.in_(list(by_organization)),
                                             dealers.c.role == "dealer")
                    .order_by(dealers.c.first_name, dealers.c.last_name, dealers.c.id)).mappings()
                for row in dealer_rows:
                    by_organization[row["organization_id"]].append(_account_from_row(row))
        return [OrganizationWithDealers(org, by_organization[org.id]) for org in organizations]
