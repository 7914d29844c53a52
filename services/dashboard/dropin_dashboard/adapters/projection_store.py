"""The read models as the consumer writes them, on the consumer's transaction."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, RowMapping

from dropin_common.auth import apply_revocation
from dropin_common.contracts.auth import AccountTokensRevoked

from ..domain.records import Account, Lead, Organization, Shopper, StreamSnapshot, Vehicle
from ..ports import ProjectionStore
from .period_buckets import DAY, HOUR, QUARTER, bucket_of, calendar_buckets, phase_day_grain, phase_day_of
from .tables import ALL_ORGANIZATIONS, DEALER_STAT_COLUMNS, STAT_COLUMNS

FACETS = ("status", "make", "model", "type")


def _vehicle_values(vehicle: Vehicle) -> dict:
    return {"vehicle_make": vehicle.make, "vehicle_model": vehicle.model,
            "vehicle_type": vehicle.type, "vehicle_year": vehicle.year}


def _shopper_values(shopper: Shopper) -> dict:
    return {"first_name": shopper.first_name, "last_name": shopper.last_name,
            "email": shopper.email, "phone": shopper.phone}


def _upsert(conn: Connection, table: sa.Table, values: dict) -> bool:
    """Insert or update by id; True when the row is new (`xmax = 0` only on a fresh insert)."""
    stmt = pg_insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"], set_={key: stmt.excluded[key] for key in values if key != "id"})
    return bool(conn.execute(stmt.returning(sa.literal_column("xmax = 0"))).scalar_one())


@cache
def _increment_statement(table: sa.Table, key_columns: tuple[str, ...], value_columns: tuple[str, ...]):
    """Adds to counter rows, creating missing ones, in one statement whose rows come as one array
    per column (`unnest` zips them in order). Its text never changes with the number of rows, so
    SQLAlchemy compiles it once per process instead of once per event, as a multi-row VALUES
    insert would."""
    columns = key_columns + value_columns
    rows = sa.select(*[sa.func.unnest(sa.bindparam(name, type_=ARRAY(table.c[name].type))).label(name)
                       for name in columns])
    stmt = pg_insert(table).from_select(list(columns), rows)
    return stmt.on_conflict_do_update(index_elements=list(key_columns),
                                      set_={name: table.c[name] + stmt.excluded[name] for name in value_columns})


def _increment(conn: Connection, table: sa.Table, key_columns: tuple[str, ...],
               value_columns: tuple[str, ...], rows: list[tuple]) -> None:
    """`rows` are (key..., value...) tuples in key order, so concurrent consumers lock them in
    the same order."""
    if rows:
        columns = key_columns + value_columns
        conn.execute(_increment_statement(table, key_columns, value_columns),
                     {name: [row[index] for row in rows] for index, name in enumerate(columns)})


def call_contribution(row: Mapping[Any, Any]) -> tuple[list[tuple], list[tuple]]:
    """What one call adds to call_stats and answer_times: ((scope, grain, bucket), figures) and
    ((scope, grain, bucket, seconds), 1) pairs. Nothing without a requestedAt."""
    if row["moment"] is None:
        return [], []
    lead_count = row["lead_count"] or 0
    figures = (1, int(row["accepted_at"] is not None), int(row["status"] == "missed"),
               int(row["status"] == "expired"), row["duration_seconds"] or 0,
               int(row["duration_seconds"] is not None), lead_count, int(lead_count > 0))
    moment = row["moment"]
    scopes = [ALL_ORGANIZATIONS] + ([row["organization_id"]] if row["organization_id"] else [])
    keys = [(scope, grain, bucket_of(moment, grain)) for scope in scopes for grain in (HOUR, DAY)]
    # Every organization together also by the days of each whole-hour zone (see period_buckets).
    keys += [(ALL_ORGANIZATIONS, phase_day_grain(phase), phase_day_of(moment, phase)) for phase in range(1, 24)]
    seconds = row["time_to_answer_seconds"]
    return [(key, figures) for key in keys], ([(*key, seconds) for key in keys] if seconds is not None else [])


def dealer_contribution(row: Mapping[Any, Any]) -> tuple[list[tuple], list[tuple]]:
    """What one call adds to dealer_stats and dealer_answer_times: ((grain, bucket, dealer), figures)
    and (grain, bucket, dealer, seconds) keys. Only calls a dealer answered (accepted, with a
    dealer) and with a requestedAt count, as the leaderboard counts them."""
    if row["moment"] is None or row["accepted_at"] is None or row["dealer_id"] is None:
        return [], []
    figures = (1, row["duration_seconds"] or 0, int(row["duration_seconds"] is not None), row["lead_count"] or 0)
    keys = [(grain, bucket, row["dealer_id"]) for grain, bucket in calendar_buckets(row["moment"])]
    seconds = row["time_to_answer_seconds"]
    return [(key, figures) for key in keys], ([(*key, seconds) for key in keys] if seconds is not None else [])


class SqlProjectionStore(ProjectionStore):
    def __init__(self, connection: Connection, tables: dict[str, sa.Table]):
        self._conn = connection
        self._calls = tables["calls"]
        self._leads = tables["leads"]
        self._organizations = tables["organizations"]
        self._dealers = tables["dealers"]
        self._period_counts = tables["period_counts"]
        self._facet_counts = tables["facet_counts"]
        self._name_counts = tables["name_counts"]
        self._call_stats = tables["call_stats"]
        self._answer_times = tables["answer_times"]
        self._dealer_stats = tables["dealer_stats"]
        self._dealer_answer_times = tables["dealer_answer_times"]
        self._revoked_tokens = tables["revoked_tokens"]
        self._token_cutoffs = tables["token_cutoffs"]

    def lock(self, key: str) -> None:
        # A transaction-scoped advisory lock also covers rows that do not exist yet.
        self._conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, 0))))

    def _scalar(self, query):
        return self._conn.execute(query).scalar_one_or_none()

    def call_version(self, stream_id: str) -> int | None:
        return self._scalar(sa.select(self._calls.c.version).where(self._calls.c.id == stream_id))

    def call_status(self, stream_id: str) -> str | None:
        return self._scalar(sa.select(self._calls.c.status).where(self._calls.c.id == stream_id))

    def save_call(self, snapshot: StreamSnapshot, shopper: Shopper) -> None:
        dealer = snapshot.dealer
        before = self._counted("calls", self._calls.c.id == snapshot.id)
        leads = self._leads
        inserted = self._upsert_call({
            "id": snapshot.id, "version": snapshot.version,
            "organization_id": snapshot.organization_id, "organization_code": snapshot.organization_code,
            "organization_name": snapshot.organization_name, "vin": snapshot.vin,
            **_vehicle_values(snapshot.vehicle), "status": snapshot.status,
            "dealer_id": dealer.id if dealer else None,
            "dealer_first_name": dealer.first_name if dealer else None,
            "dealer_last_name": dealer.last_name if dealer else None,
            "requested_at": snapshot.requested_at, "accepted_at": snapshot.accepted_at,
            "stopped_at": snapshot.stopped_at, "stopped_by": snapshot.stopped_by, "note": snapshot.note,
            "duration_seconds": snapshot.duration_seconds, **_shopper_values(shopper),
            "time_to_answer_seconds": snapshot.time_to_answer_seconds, "missed_reason": snapshot.missed_reason,
            "dealers_rung": snapshot.dealers_rung,
            "lead_count": sa.select(sa.func.count()).where(leads.c.stream_id == snapshot.id).scalar_subquery()})
        if inserted:  # a stream's requestedAt never changes, so it is counted once, when first seen
            self._count_in_period("calls", snapshot.requested_at)
        self._recount("calls", before, self._counted("calls", self._calls.c.id == snapshot.id))

    def _upsert_call(self, values: dict) -> bool:
        """As _upsert; a dealersRung only stream.requested carries is kept by later snapshots."""
        calls = self._calls
        stmt = pg_insert(calls).values(**values)
        updates = {key: stmt.excluded[key] for key in values if key != "id"}
        updates["dealers_rung"] = sa.func.coalesce(stmt.excluded.dealers_rung, calls.c.dealers_rung)
        stmt = stmt.on_conflict_do_update(index_elements=["id"], set_=updates)
        return bool(self._conn.execute(stmt.returning(sa.literal_column("xmax = 0"))).scalar_one())

    def set_dealers_rung(self, stream_id: str, dealers_rung: int) -> None:
        calls = self._calls
        self._conn.execute(calls.update().where(calls.c.id == stream_id, calls.c.dealers_rung.is_(None))
                           .values(dealers_rung=dealers_rung))

    def refresh_call_lead_count(self, stream_id: str) -> None:
        calls, leads = self._calls, self._leads
        counted = sa.select(sa.func.count()).where(leads.c.stream_id == stream_id).scalar_subquery()
        changing = sa.and_(calls.c.id == stream_id, calls.c.lead_count != counted)
        before = self._counted("calls", changing)
        if before:
            self._conn.execute(calls.update().where(changing).values(lead_count=counted))
            self._recount("calls", before, self._counted("calls", calls.c.id == stream_id))

    def _count_in_period(self, kind: str, moment: datetime | None) -> None:
        if moment is None:
            return
        counts = self._period_counts
        for grain in (QUARTER, DAY):
            stmt = pg_insert(counts).values(kind=kind, grain=grain, bucket=bucket_of(moment, grain), count=1)
            self._conn.execute(stmt.on_conflict_do_update(index_elements=["kind", "grain", "bucket"],
                                                          set_={"count": counts.c.count + 1}))

    def _counted(self, kind: str, where: sa.ColumnElement) -> list[RowMapping]:
        """What facet_counts and name_counts count of the records `where` selects."""
        table = self._calls if kind == "calls" else self._leads
        moment, status = (table.c.requested_at, table.c.status) if kind == "calls" \
            else (table.c.created_at, table.c.call_status)
        lower = sa.func.lower
        query = sa.select(moment.label("moment"), status.label("status"), lower(table.c.vehicle_make).label("make"),
                          lower(table.c.vehicle_model).label("model"), lower(table.c.vehicle_type).label("type"),
                          sa.func.coalesce(lower(table.c.first_name), "").label("first"),
                          sa.func.coalesce(lower(table.c.last_name), "").label("last")).where(where)
        if kind == "calls":  # and what call_stats and answer_times count
            c = table.c
            query = query.add_columns(c.organization_id, c.accepted_at, c.duration_seconds, c.lead_count,
                                      c.time_to_answer_seconds, c.dealer_id)
        return list(self._conn.execute(query).mappings())

    def _recount(self, kind: str, before: Sequence[Mapping[Any, Any]], after: Sequence[Mapping[Any, Any]]) -> None:
        """Moves facet_counts and name_counts from the records as they were (`_counted` before a
        write) to as they are: whatever changed, in whichever order events came, the counts stay
        those of the rows."""
        facets: Counter = Counter()
        names: Counter = Counter()
        for rows, sign in ((before, -1), (after, 1)):
            for row in rows:
                names[(row["first"], row["last"])] += sign
                if row["moment"] is not None:
                    day = bucket_of(row["moment"], DAY)
                    for facet in FACETS:
                        if row[facet] is not None:
                            facets[(facet, row[facet], day)] += sign
        self._add(self._facet_counts, ("kind", "facet", "value", "day"),
                  {(kind, *key): delta for key, delta in facets.items()})
        self._add(self._name_counts, ("kind", "lower_first_name", "lower_last_name"),
                  {(kind, *key): delta for key, delta in names.items()})
        if kind == "calls":
            self._move_call_stats(before, after)

    def _move_call_stats(self, before: Sequence[Mapping[Any, Any]], after: Sequence[Mapping[Any, Any]]) -> None:
        """Moves call_stats / answer_times and dealer_stats / dealer_answer_times from the call as it
        was to as it is (nothing moves when nothing they count changed)."""
        for contribution, stats_table, stats_key, columns, times_table in (
                (call_contribution, self._call_stats, ("scope", "grain", "bucket"), STAT_COLUMNS, self._answer_times),
                (dealer_contribution, self._dealer_stats, ("grain", "bucket", "dealer_id"), DEALER_STAT_COLUMNS,
                 self._dealer_answer_times)):
            stats: dict[tuple, list[int]] = {}
            times: Counter = Counter()
            for rows, sign in ((before, -1), (after, 1)):
                for row in rows:
                    figures, seconds = contribution(row)
                    for key, values in figures:
                        total = stats.setdefault(key, [0] * len(columns))
                        for index, value in enumerate(values):
                            total[index] += sign * value
                    for key in seconds:
                        times[key] += sign
            _increment(self._conn, stats_table, stats_key, tuple(columns),
                       [(*key, *values) for key, values in sorted(stats.items()) if any(values)])
            self._add(times_table, (*stats_key, "seconds"), dict(times))

    def _add(self, counts: sa.Table, key_columns: tuple[str, ...], deltas: dict[tuple, int]) -> None:
        _increment(self._conn, counts, key_columns, ("count",),
                   [(*key, delta) for key, delta in sorted(deltas.items()) if delta])

    def set_call_shopper(self, stream_id: str, shopper: Shopper) -> None:
        before = self._counted("calls", self._calls.c.id == stream_id)
        self._conn.execute(self._calls.update().where(self._calls.c.id == stream_id)
                           .values(**_shopper_values(shopper)))
        self._recount("calls", before, self._counted("calls", self._calls.c.id == stream_id))

    def save_lead(self, lead: Lead, call_status: str | None) -> None:
        before = self._counted("leads", self._leads.c.id == lead.id)
        inserted = _upsert(self._conn, self._leads, {
            "id": lead.id, "stream_id": lead.stream_id, "organization_id": lead.organization_id,
            "organization_name": lead.organization_name, "vin": lead.vin, **_vehicle_values(lead.vehicle),
            **_shopper_values(lead.shopper), "comment": lead.comment, "created_at": lead.created_at,
            "call_status": call_status})
        if inserted:
            self._count_in_period("leads", lead.created_at)
        self._recount("leads", before, self._counted("leads", self._leads.c.id == lead.id))

    def latest_shopper(self, stream_id: str) -> Shopper | None:
        leads = self._leads
        row = self._conn.execute(
            sa.select(leads.c.first_name, leads.c.last_name, leads.c.email, leads.c.phone)
            .where(leads.c.stream_id == stream_id)
            .order_by(leads.c.created_at.desc(), leads.c.id.desc()).limit(1)).first()
        return Shopper(*row) if row else None

    def set_leads_call_status(self, stream_id: str, status: str) -> None:
        changing = sa.and_(self._leads.c.stream_id == stream_id, self._leads.c.call_status.is_distinct_from(status))
        before = self._counted("leads", changing)
        if before:
            self._conn.execute(self._leads.update().where(changing).values(call_status=status))
            self._recount("leads", before, [{**row, "status": status} for row in before])

    def organization_updated_at(self, organization_id: str) -> datetime | None:
        orgs = self._organizations
        return self._scalar(sa.select(orgs.c.updated_at).where(orgs.c.id == organization_id))

    def organization_name(self, organization_id: str) -> str | None:
        orgs = self._organizations
        return self._scalar(sa.select(orgs.c.name).where(orgs.c.id == organization_id))

    def ensure_organization(self, organization_id: str, name: str, code: str | None) -> None:
        # No updatedAt: the organization's own event, whatever its date, supersedes this stand-in.
        self._conn.execute(pg_insert(self._organizations).values(
            id=organization_id, name=name, code=code, updated_at=None).on_conflict_do_nothing())

    def save_organization(self, organization: Organization) -> None:
        _upsert(self._conn, self._organizations, {
            "id": organization.id, "name": organization.name, "code": organization.code,
            "loan_link": organization.loan_link, "created_at": organization.created_at,
            "updated_at": organization.updated_at, "timezone": organization.timezone})

    def rename_organization_records(self, organization_id: str, name: str) -> None:
        for table in (self._calls, self._leads):
            self._conn.execute(table.update().where(
                table.c.organization_id == organization_id,
                table.c.organization_name.is_distinct_from(name)).values(organization_name=name))

    def account_updated_at(self, account_id: str) -> datetime | None:
        return self._scalar(sa.select(self._dealers.c.updated_at).where(self._dealers.c.id == account_id))

    def save_account(self, account: Account) -> None:
        _upsert(self._conn, self._dealers, {
            "id": account.id, "email": account.email, "first_name": account.first_name,
            "last_name": account.last_name, "phone": account.phone, "role": account.role,
            "status": account.status, "account_status": account.account_status,
            "organization_id": account.organization_id, "created_at": account.created_at,
            "updated_at": account.updated_at})

    def revoke_tokens(self, revocation: AccountTokensRevoked) -> None:
        apply_revocation(self._conn, self._revoked_tokens, self._token_cutoffs, revocation)
