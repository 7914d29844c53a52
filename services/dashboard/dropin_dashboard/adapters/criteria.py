"""A `RecordFilter` as SQL: the same WHERE clauses serve lists, counts and CSV exports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from ..domain.filters import Period, RecordFilter

LIKE_ESCAPE = "\\"
# The phone search keys of migration 0010: each 4-digit run of a phone x 100,000 + its record's UTC
# month (year x 12 + month - 1), indexed on calls and leads.
PHONE_RUN = 4
PHONE_RUN_WEIGHT = 100_000
# A longer period would ask for a key per month and run; the trigram index serves it instead.
PHONE_KEY_MONTHS = 60
PHONE_KEY_RUNS = 8  # every run of a phone-length filter; each one only narrows the candidates


def _substring_pattern(text: str) -> str:
    """`%` and `_` typed by the user match themselves."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%") \
        .replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


def contains_text(column: sa.ColumnElement, text: str) -> sa.ColumnElement:
    """Case-insensitive substring."""
    return column.ilike(_substring_pattern(text), escape=LIKE_ESCAPE)


def lowered_contains_text(lowered_column: sa.ColumnElement, text: str) -> sa.ColumnElement:
    """contains_text on a column that holds lower(...): PostgreSQL's ILIKE is lower(x) LIKE lower(p),
    so this matches the same rows without lowering each one again."""
    return lowered_column.like(sa.func.lower(_substring_pattern(text)), escape=LIKE_ESCAPE)


def _utc_month(moment: datetime) -> int:
    utc = moment.astimezone(timezone.utc)
    return utc.year * 12 + utc.month - 1


def phone_key_groups(text: str, period: Period) -> list[list[int]]:
    """For a filter of digits only (4 or more) within a bounded period: per 4-digit run of it, the
    keys of which a matching record has one (that run in the record's month). A record whose phone
    contains the digits contains every run of them, so each group only narrows. Empty when the keys
    cannot help (other characters, fewer digits, an open or very long period)."""
    digits_only = text.isascii() and text.isdigit()
    if not digits_only or len(text) < PHONE_RUN or period.start is None or period.end is None:
        return []
    first, last = _utc_month(period.start), _utc_month(period.end - timedelta(microseconds=1))
    if last < first or last - first >= PHONE_KEY_MONTHS:
        return []
    runs = sorted({int(text[i:i + PHONE_RUN]) for i in range(len(text) - PHONE_RUN + 1)})[:PHONE_KEY_RUNS]
    return [[run * PHONE_RUN_WEIGHT + month for month in range(first, last + 1)] for run in runs]


def _equals_any_case(column: sa.ColumnElement, text: str) -> sa.ColumnElement:
    return sa.func.lower(column) == text.lower()  # served by the lower(column) indexes


@dataclass(frozen=True)
class RecordColumns:
    """Where calls and leads keep what a filter looks at."""
    table: sa.Table
    moment: sa.Column   # requested_at / created_at
    status: sa.Column   # status / call_status
    organizations: sa.Table

    @property
    def newest_first(self) -> tuple:
        return self.moment.desc(), self.table.c.id.desc()

    def where(self, criteria: RecordFilter) -> list[sa.ColumnElement]:
        c = self.table.c
        clauses: list[sa.ColumnElement] = []
        if criteria.name:
            clauses.append(sa.or_(contains_text(c.first_name, criteria.name),
                                  contains_text(c.last_name, criteria.name)))
        if criteria.phone:
            groups = phone_key_groups(criteria.phone, criteria.period)
            if groups:
                # Within a bounded period: the records with the digits in the period's months (index
                # ix_<table>_phone_keys), not every record sharing a trigram with them. For digits
                # strpos is the same test as ILIKE, and one the trigram index does not serve: the
                # planner then uses the keys' exact bitmap alone and rechecks no row.
                keys = sa.func.phone_search_keys(c.phone, self.moment, type_=ARRAY(sa.Integer))
                clauses.append(sa.func.strpos(c.phone, criteria.phone) > 0)
                clauses.extend(keys.overlap(group) for group in groups)
            else:
                clauses.append(contains_text(c.phone, criteria.phone))
        if criteria.organization_name:
            # Every record's organization is in `organizations` under the name the record shows
            # (the projection keeps it so): a few matching ids, then an index lookup by id.
            orgs = self.organizations
            matching = sa.select(orgs.c.id).where(contains_text(orgs.c.name, criteria.organization_name))
            clauses.append(c.organization_id.in_(matching.scalar_subquery()))
        if criteria.statuses:
            clauses.append(self.status.in_(sorted(criteria.statuses)))
        if criteria.car_type:
            clauses.append(_equals_any_case(c.vehicle_type, criteria.car_type))
        if criteria.car_model:
            clauses.append(_equals_any_case(c.vehicle_model, criteria.car_model))
        if criteria.car_make:
            clauses.append(_equals_any_case(c.vehicle_make, criteria.car_make))
        if criteria.vin:
            clauses.append(contains_text(c.vin, criteria.vin))
        if criteria.organization_id:
            clauses.append(c.organization_id == criteria.organization_id)
        if criteria.period.start is not None:
            clauses.append(self.moment >= criteria.period.start)
        if criteria.period.end is not None:
            clauses.append(self.moment < criteria.period.end)
        return clauses


def call_columns(tables: dict[str, sa.Table]) -> RecordColumns:
    calls = tables["calls"]
    return RecordColumns(calls, calls.c.requested_at, calls.c.status, tables["organizations"])


def lead_columns(tables: dict[str, sa.Table]) -> RecordColumns:
    leads = tables["leads"]
    return RecordColumns(leads, leads.c.created_at, leads.c.call_status, tables["organizations"])
