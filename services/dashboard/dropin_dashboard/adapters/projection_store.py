"""The read models as the consumer writes them, on the consumer's transaction."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
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


def _json_moment(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a counter key")


# The counter tables, their key columns and the columns the projection adds to.
COUNTERS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("period_counts", ("kind", "grain", "bucket"), ("count",)),
    ("facet_counts", ("kind", "facet", "value", "day"), ("count",)),
    ("name_counts", ("kind", "lower_first_name", "lower_last_name"), ("count",)),
    ("call_stats", ("scope", "grain", "bucket"), STAT_COLUMNS),
    ("answer_times", ("scope", "grain", "bucket", "seconds"), ("count",)),
    ("dealer_stats", ("grain", "bucket", "dealer_id"), DEALER_STAT_COLUMNS),
    ("dealer_answer_times", ("grain", "bucket", "dealer_id", "seconds"), ("count",)))


def _counted_columns(kind: str, columns: Any) -> list[sa.ColumnElement]:
    """What facet_counts, name_counts (and for calls call_stats, answer_times and the dealer
    tables) count of a record, from `columns` (a table's `.c`, in a SELECT or a RETURNING)."""
    moment, status = (columns.requested_at, columns.status) if kind == "calls" \
        else (columns.created_at, columns.call_status)
    lower = sa.func.lower
    counted = [moment.label("moment"), status.label("status"), lower(columns.vehicle_make).label("make"),
               lower(columns.vehicle_model).label("model"), lower(columns.vehicle_type).label("type"),
               sa.func.coalesce(lower(columns.first_name), "").label("first"),
               sa.func.coalesce(lower(columns.last_name), "").label("last")]
    if kind == "calls":
        counted += [columns.organization_id, columns.accepted_at, columns.duration_seconds, columns.lead_count,
                    columns.time_to_answer_seconds, columns.dealer_id]
    return counted


class _Statements:
    """The consumer's statements, built once per process: it applies thousands of events, and
    building a statement cost more client CPU than sending it."""

    def __init__(self, tables: Mapping[str, sa.Table]):
        calls, leads, organizations = tables["calls"], tables["leads"], tables["organizations"]
        self.tables = tables
        key = sa.column("key", sa.Text)
        self.lock = sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, 0))).select_from(
            sa.func.unnest(sa.cast(sa.bindparam("keys", type_=ARRAY(sa.Text)), ARRAY(sa.Text))).alias("key"))
        self.call_version = sa.select(calls.c.version).where(calls.c.id == sa.bindparam("id"))
        self.call_status = sa.select(calls.c.status).where(calls.c.id == sa.bindparam("id"))
        self.latest_shopper = (sa.select(leads.c.first_name, leads.c.last_name, leads.c.email, leads.c.phone)
                               .where(leads.c.stream_id == sa.bindparam("stream_id"))
                               .order_by(leads.c.created_at.desc(), leads.c.id.desc()).limit(1))
        ensured = (pg_insert(organizations).values(id=sa.bindparam("id"), name=sa.bindparam("name"),
                                                   code=sa.bindparam("code"), updated_at=None)
                   .on_conflict_do_nothing().returning(organizations.c.name).cte("ensured"))
        # The stand-in's name when this inserted it, else the known one (the SELECT reads the
        # table as it was before the statement, so exactly one of the two has a row).
        self.ensure_organization = sa.union_all(
            sa.select(ensured.c.name),
            sa.select(organizations.c.name).where(organizations.c.id == sa.bindparam("id")))
        lead_count = sa.select(sa.func.count()).where(leads.c.stream_id == calls.c.id).scalar_subquery()

        call_values: dict[str, Any] = {column.name: sa.bindparam(column.name, type_=column.type)
                                       for column in calls.c if column.name != "lead_count"}
        call_values["lead_count"] = sa.select(sa.func.count()).where(
            leads.c.stream_id == sa.bindparam("id")).scalar_subquery()
        upsert_call = pg_insert(calls).values(call_values)
        updates: dict[str, Any] = {name: upsert_call.excluded[name] for name in call_values if name != "id"}
        # a dealersRung only stream.requested carries is kept by later snapshots
        updates["dealers_rung"] = sa.func.coalesce(upsert_call.excluded.dealers_rung, calls.c.dealers_rung)
        self.save_call = self._rewrite("calls", calls.c.id == sa.bindparam("id"),
                                       upsert_call.on_conflict_do_update(index_elements=["id"], set_=updates))
        # An UPDATE takes parameters named after its table's columns as SET values: these are not.
        self.set_call_shopper = self._rewrite(
            "calls", calls.c.id == sa.bindparam("record_id"),
            calls.update().where(calls.c.id == sa.bindparam("record_id")).values(
                {name: sa.bindparam(f"new_{name}") for name in ("first_name", "last_name", "email", "phone")}))
        lead_count_changing = sa.and_(calls.c.id == sa.bindparam("record_id"), calls.c.lead_count != lead_count)
        self.refresh_call_lead_count = self._rewrite(
            "calls", lead_count_changing, calls.update().where(lead_count_changing).values(lead_count=lead_count))

        lead_values = {column.name: sa.bindparam(column.name, type_=column.type) for column in leads.c}
        upsert_lead = pg_insert(leads).values(lead_values)
        self.save_lead = self._rewrite("leads", leads.c.id == sa.bindparam("id"), upsert_lead.on_conflict_do_update(
            index_elements=["id"], set_={name: upsert_lead.excluded[name] for name in lead_values if name != "id"}))
        new_status = sa.bindparam("new_status", type_=sa.String)
        status_changing = sa.and_(leads.c.stream_id == sa.bindparam("of_stream"),
                                  leads.c.call_status.is_distinct_from(new_status))
        self.set_leads_call_status = self._rewrite(
            "leads", status_changing, leads.update().where(status_changing).values(call_status=new_status))

        self.add_to_counters = sa.select(sa.literal(1)).add_cte(*[
            self._increment_cte(tables[name], keys, values) for name, keys, values in COUNTERS])

    def _rewrite(self, kind: str, where: sa.ColumnElement, write: Any) -> sa.CompoundSelect:
        """One statement that writes records (`write`, an INSERT or UPDATE of those `where` selects)
        and returns what the counters count of each record before the write (`after` false) and
        after it (`after` true; `inserted` when the row is new). The sub-statements of a WITH all
        read the table as it was when the statement began, so `before` misses the write, and the
        caller holds the record's lock, so nothing else changed it in between."""
        table = self.tables[kind]
        before = sa.select(*_counted_columns(kind, table.c)).where(where).cte("before")
        # `xmax = 0` only on a row an INSERT .. ON CONFLICT inserted; an UPDATE's new rows have it too.
        inserted = sa.literal_column("xmax = 0") if isinstance(write, sa.Insert) else sa.false()
        written = write.returning(inserted.label("inserted"), *_counted_columns(kind, table.c)).cte("written")
        return sa.union_all(
            sa.select(sa.false().label("after"), sa.false().label("inserted"),
                      *[column for column in before.c]),
            sa.select(sa.true(), *[column for column in written.c]))

    @staticmethod
    def _increment_cte(table: sa.Table, key_columns: tuple[str, ...], value_columns: tuple[str, ...]) -> sa.CTE:
        """Adds to counter rows, creating missing ones, from the rows the `counters` parameter (a JSON
        object) holds under the table's name (none: nothing added). One text parameter for every
        table: dumping dozens of arrays per event cost more CPU than the statement."""
        columns = key_columns + value_columns
        counters = sa.cast(sa.bindparam("counters", type_=sa.Text), JSONB)
        rows = sa.func.jsonb_to_recordset(counters[table.name]).table_valued(
            *[sa.column(name, table.c[name].type) for name in columns]).render_derived(with_types=True)
        insert = pg_insert(table).from_select(list(columns), sa.select(*[rows.c[name] for name in columns]))
        return insert.on_conflict_do_update(
            index_elements=list(key_columns),
            set_={name: table.c[name] + insert.excluded[name] for name in value_columns}).cte(f"add_{table.name}")


@cache
def _statements(metadata: sa.MetaData) -> _Statements:
    return _Statements(metadata.tables)


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


def _facet_and_name_deltas(kind: str, before: Sequence[Mapping[Any, Any]],
                           after: Sequence[Mapping[Any, Any]]) -> dict[str, Counter]:
    """What facet_counts and name_counts gain (after) and lose (before) of `kind`'s records."""
    facets: Counter = Counter()
    names: Counter = Counter()
    for rows, sign in ((before, -1), (after, 1)):
        for row in rows:
            names[(kind, row["first"], row["last"])] += sign
            if row["moment"] is not None:
                day = bucket_of(row["moment"], DAY)
                for facet in FACETS:
                    if row[facet] is not None:
                        facets[(kind, facet, row[facet], day)] += sign
    return {"facet_counts": facets, "name_counts": names}


def _call_stat_deltas(before: Sequence[Mapping[Any, Any]], after: Sequence[Mapping[Any, Any]]) -> dict[str, dict]:
    """What call_stats / answer_times and dealer_stats / dealer_answer_times move from the calls as
    they were to as they are (nothing, when nothing they count changed)."""
    deltas: dict[str, dict] = {}
    for contribution, stats_table, width, times_table in (
            (call_contribution, "call_stats", len(STAT_COLUMNS), "answer_times"),
            (dealer_contribution, "dealer_stats", len(DEALER_STAT_COLUMNS), "dealer_answer_times")):
        stats: dict[tuple, list[int]] = {}
        times: Counter = Counter()
        for rows, sign in ((before, -1), (after, 1)):
            for row in rows:
                figures, seconds = contribution(row)
                for key, values in figures:
                    total = stats.setdefault(key, [0] * width)
                    for index, value in enumerate(values):
                        total[index] += sign * value
                for key in seconds:
                    times[key] += sign
        deltas[stats_table] = {key: tuple(values) for key, values in stats.items()}
        deltas[times_table] = times
    return deltas


class SqlProjectionStore(ProjectionStore):
    """One per transaction. Each write of a call or lead is one statement that also returns what
    the counters counted of the record before and after it, and the counters then move in one more
    statement: a stream snapshot costs 9 statements with the consumer's inbox and progress rows,
    where one statement per step cost 17."""

    def __init__(self, connection: Connection, tables: dict[str, sa.Table]):
        self._conn = connection
        self._sql = _statements(tables["calls"].metadata)
        self._calls = tables["calls"]
        self._leads = tables["leads"]
        self._organizations = tables["organizations"]
        self._dealers = tables["dealers"]
        self._revoked_tokens = tables["revoked_tokens"]
        self._token_cutoffs = tables["token_cutoffs"]

    def lock(self, *keys: str) -> None:
        # Transaction-scoped advisory locks also cover rows that do not exist yet.
        self._conn.execute(self._sql.lock, {"keys": list(keys)}).all()

    def _scalar(self, query, parameters: dict | None = None):
        return self._conn.execute(query, parameters).scalar_one_or_none()

    def call_version(self, stream_id: str) -> int | None:
        return self._scalar(self._sql.call_version, {"id": stream_id})

    def call_status(self, stream_id: str) -> str | None:
        return self._scalar(self._sql.call_status, {"id": stream_id})

    def save_call(self, snapshot: StreamSnapshot, shopper: Shopper) -> None:
        dealer = snapshot.dealer
        self._rewrite("calls", self._sql.save_call, {
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
            "dealers_rung": snapshot.dealers_rung})

    def set_dealers_rung(self, stream_id: str, dealers_rung: int) -> None:
        calls = self._calls
        self._conn.execute(calls.update().where(calls.c.id == stream_id, calls.c.dealers_rung.is_(None))
                           .values(dealers_rung=dealers_rung))

    def refresh_call_lead_count(self, stream_id: str) -> None:
        self._rewrite("calls", self._sql.refresh_call_lead_count, {"record_id": stream_id})

    def set_call_shopper(self, stream_id: str, shopper: Shopper) -> None:
        new_values = {f"new_{name}": value for name, value in _shopper_values(shopper).items()}
        self._rewrite("calls", self._sql.set_call_shopper, {"record_id": stream_id, **new_values})

    def save_lead(self, lead: Lead, call_status: str | None) -> None:
        self._rewrite("leads", self._sql.save_lead, {
            "id": lead.id, "stream_id": lead.stream_id, "organization_id": lead.organization_id,
            "organization_name": lead.organization_name, "vin": lead.vin, **_vehicle_values(lead.vehicle),
            **_shopper_values(lead.shopper), "comment": lead.comment, "created_at": lead.created_at,
            "call_status": call_status})

    def set_leads_call_status(self, stream_id: str, status: str) -> None:
        self._rewrite("leads", self._sql.set_leads_call_status, {"of_stream": stream_id, "new_status": status})

    def latest_shopper(self, stream_id: str) -> Shopper | None:
        row = self._conn.execute(self._sql.latest_shopper, {"stream_id": stream_id}).first()
        return Shopper(*row) if row else None

    def _rewrite(self, kind: str, statement: sa.CompoundSelect, parameters: dict) -> None:
        """Runs one of _Statements' rewrites and moves the counters from the records as they were
        to as they are: whatever changed, in whichever order events came, the counts stay those of
        the rows. A new record is also counted in period_counts (its moment never changes)."""
        before: list[RowMapping] = []
        after: list[RowMapping] = []
        periods: Counter = Counter()
        for row in self._conn.execute(statement, parameters).mappings():
            (after if row["after"] else before).append(row)
            if row["inserted"] and row["moment"] is not None:
                for grain in (QUARTER, DAY):
                    periods[(kind, grain, bucket_of(row["moment"], grain))] += 1
        if not before and not after:
            return
        deltas: dict[str, Mapping[tuple, Any]] = {"period_counts": periods,
                                                  **_facet_and_name_deltas(kind, before, after)}
        if kind == "calls":
            deltas.update(_call_stat_deltas(before, after))
        self._add_to_counters(deltas)

    def _add_to_counters(self, deltas: Mapping[str, Mapping[tuple, Any]]) -> None:
        """`deltas`: per counter table, {key: value or tuple of values}; rows that add nothing are
        left out, and the rest go in key order, so concurrent consumers lock them in one order."""
        counters: dict[str, list[dict]] = {}
        for table, key_columns, value_columns in COUNTERS:
            rows = [dict(zip(key_columns + value_columns, (*key, *values), strict=True))
                    for key, value in sorted(deltas.get(table, {}).items())
                    if any(values := value if isinstance(value, tuple) else (value,))]
            if rows:
                counters[table] = rows
        if counters:
            self._conn.execute(self._sql.add_to_counters, {"counters": json.dumps(counters, default=_json_moment)})

    def ensure_organization(self, organization_id: str, name: str, code: str | None) -> str | None:
        # No updatedAt: the organization's own event, whatever its date, supersedes this stand-in.
        return self._scalar(self._sql.ensure_organization, {"id": organization_id, "name": name, "code": code})

    def organization_updated_at(self, organization_id: str) -> datetime | None:
        orgs = self._organizations
        return self._scalar(sa.select(orgs.c.updated_at).where(orgs.c.id == organization_id))

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
