"""SQL repositories on one connection (the unit of work's transaction) and the unit of work."""
from __future__ import annotations

import builtins
import functools
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from dropin_common.db import SqlUnitOfWork
from dropin_common.timeutil import parse_iso

from ..domain.lead import Contact, Lead
from ..domain.replica import ROLE_DEALER, ACTIVE, ONLINE, Account, Organization
from ..domain.stream import REQUESTED, STREAMING, DealerRef, Stream, StreamLog
from ..domain.vehicle import Vehicle
from .. import ports

Tables = dict[str, sa.Table]


class SqlStreamRepository(ports.StreamRepository):
    def __init__(self, conn: Connection, tables: Tables):
        self._conn = conn
        self._streams = tables["streams"]
        self._logs = tables["stream_logs"]
        self._pings = tables["dealer_pings"]

    def add(self, stream: Stream) -> None:
        self._conn.execute(_insert(self._streams), {"id": stream.id, **_stream_columns(stream)})

    def get(self, stream_id: str) -> Stream | None:
        row = self._conn.execute(_select_one_with_logs(self._streams, self._logs), {"stream_id": stream_id}).first()
        return _stream_from_row(row, _logs_from_json(row.logs)) if row else None

    def update(self, stream: Stream, *, expected_status: str) -> bool:
        s = self._streams
        result = self._conn.execute(
            s.update().where(s.c.id == stream.id, s.c.status == expected_status,
                             s.c.version == stream.version - 1)
            .values(**_stream_columns(stream)))
        return result.rowcount == 1

    def lock(self, stream_id: str) -> None:
        self._conn.execute(sa.select(self._streams.c.id).where(self._streams.c.id == stream_id).with_for_update())

    def add_log(self, stream_id: str, log: StreamLog) -> None:
        self._conn.execute(self._logs.insert().values(stream_id=stream_id, type=log.type, code=log.code,
                                                      at=log.at))

    def list(self, query: ports.StreamQuery) -> builtins.list[Stream]:
        s = self._streams
        select = self._select_with_logs()
        if query.organization_id is not None:
            select = select.where(s.c.organization_id == query.organization_id)
        if query.statuses:
            select = select.where(s.c.status.in_(sorted(query.statuses)))
        rows = self._conn.execute(
            select.order_by(s.c.requested_at.desc(), s.c.id).offset(query.skip).limit(query.limit)).all()
        return [_stream_from_row(row, _logs_from_json(row.logs)) for row in rows]

    def claim_overdue(self, *, ring_deadline: datetime, ping_deadline: datetime,
                      limit: int) -> builtins.list[Stream]:
        s, p = self._streams, self._pings
        last_sign_of_life = sa.func.greatest(s.c.accepted_at, p.c.last_ping_at)  # NULLs are ignored
        rows = self._conn.execute(
            sa.select(s).select_from(s.outerjoin(p, p.c.dealer_id == s.c.dealer_id))
            .where(sa.or_(sa.and_(s.c.status == REQUESTED, s.c.requested_at < ring_deadline),
                          sa.and_(s.c.status == STREAMING, last_sign_of_life < ping_deadline)))
            .order_by(s.c.requested_at).limit(limit)
            .with_for_update(of=s, skip_locked=True)).all()
        return [_stream_from_row(row, ()) for row in rows]

    def _select_with_logs(self) -> sa.Select:
        return _select_with_logs(self._streams, self._logs)


@functools.lru_cache(maxsize=4)
def _select_with_logs(streams: sa.Table, logs: sa.Table) -> sa.Select:
    """The stream row with its logs as one JSON array: a single round trip per read. Built once:
    building the statement costs more than running it."""
    entries = sa.func.json_agg(aggregate_order_by(sa.func.json_build_array(logs.c.type, logs.c.code, logs.c.at),
                                                  logs.c.id))
    logs_json = (sa.select(sa.func.coalesce(entries, sa.literal_column("'[]'::json")))
                 .where(logs.c.stream_id == streams.c.id).scalar_subquery())
    return sa.select(streams, logs_json.label("logs"))


@functools.lru_cache(maxsize=4)
def _select_one_with_logs(streams: sa.Table, logs: sa.Table) -> sa.Select:
    """One stream by id, the most frequent read: the same statement object every time, so
    SQLAlchemy neither rebuilds it nor recomputes its cache key."""
    return _select_with_logs(streams, logs).where(streams.c.id == sa.bindparam("stream_id"))


def _logs_from_json(entries: list) -> tuple[StreamLog, ...]:
    return tuple(StreamLog(type_, code, parse_iso(at)) for type_, code, at in entries)


def _stream_columns(stream: Stream) -> dict:
    dealer = stream.dealer
    return dict(
        version=stream.version, organization_id=stream.organization_id,
        organization_code=stream.organization_code, organization_name=stream.organization_name,
        vin=stream.vin, make=stream.vehicle.make, model=stream.vehicle.model, type=stream.vehicle.type,
        year=stream.vehicle.year, country=stream.vehicle.country, status=stream.status,
        token_hash=stream.token_hash, dealer_id=dealer.id if dealer else None,
        dealer_first_name=dealer.first_name if dealer else None,
        dealer_last_name=dealer.last_name if dealer else None,
        requested_at=stream.requested_at, accepted_at=stream.accepted_at, stopped_at=stream.stopped_at,
        stopped_by=stream.stopped_by, note=stream.note, missed_reason=stream.missed_reason,
        rung_dealer_ids=list(stream.rung_dealer_ids))


def _stream_from_row(row, logs: tuple[StreamLog, ...]) -> Stream:
    return Stream(
        id=row.id, version=row.version, organization_id=row.organization_id,
        organization_code=row.organization_code, organization_name=row.organization_name, vin=row.vin,
        vehicle=Vehicle(row.make, row.model, row.type, row.year, row.country), status=row.status,
        token_hash=row.token_hash,
        dealer=DealerRef(row.dealer_id, row.dealer_first_name, row.dealer_last_name) if row.dealer_id else None,
        requested_at=row.requested_at, accepted_at=row.accepted_at, stopped_at=row.stopped_at,
        stopped_by=row.stopped_by, note=row.note, logs=logs, missed_reason=row.missed_reason,
        rung_dealer_ids=tuple(row.rung_dealer_ids or ()))


class SqlOrganizationRepository(ports.OrganizationRepository):
    def __init__(self, conn: Connection, tables: Tables):
        self._conn = conn
        self._table = tables["organizations"]

    def get(self, organization_id: str) -> Organization | None:
        return self._one("id", organization_id)

    def by_code(self, code: str) -> Organization | None:
        return self._one("code", code)

    def by_token_hash(self, token_hash: str) -> Organization | None:
        return self._one("token_hash", token_hash)

    def save_if_newer(self, organization: Organization) -> bool:
        return _upsert_if_newer(self._conn, self._table, organization.__dict__)

    def _one(self, column: str, value: str) -> Organization | None:
        row = self._conn.execute(_newest_by(self._table, column), {"value": value}).first()
        return Organization(**row._mapping) if row else None


class SqlAccountRepository(ports.AccountRepository):
    def __init__(self, conn: Connection, tables: Tables):
        self._conn = conn
        self._table = tables["accounts"]
        self._pings = tables["dealer_pings"]

    def get(self, account_id: str) -> Account | None:
        row = self._conn.execute(_newest_by(self._table, "id"), {"value": account_id}).first()
        return Account(**row._mapping) if row else None

    def online_active_dealers(self, organization_id: str, alive_since: datetime | None = None) -> list[Account]:
        a = self._table
        if alive_since is not None:  # every ring asks this: the statement is built once
            rows = self._conn.execute(_alive_dealers(a, self._pings),
                                      {"organization_id": organization_id, "alive_since": alive_since}).all()
        else:
            query = _online(sa.select(a), a, self._pings, organization_id, None).order_by(a.c.id)
            rows = self._conn.execute(query).all()
        return [Account(**row._mapping) for row in rows]

    def count_online_active_dealers(self, organization_id: str, alive_since: datetime) -> int:
        query = _online(sa.select(sa.func.count()).select_from(self._table), self._table, self._pings,
                        organization_id, alive_since)
        return int(self._conn.execute(query).scalar_one())

    def claim_lapsed_dealers(self, alive_since: datetime, limit: int) -> list[tuple[Account, datetime]]:
        a = self._table
        last_sign_of_life = sa.func.greatest(a.c.updated_at, _last_ping(a, self._pings))
        rows = self._conn.execute(
            sa.select(a, last_sign_of_life.label("last_seen_at"))
            .where(a.c.role == ROLE_DEALER, a.c.account_status == ONLINE, last_sign_of_life < alive_since)
            .order_by(a.c.id).limit(limit).with_for_update(of=a, skip_locked=True)).all()
        return [(Account(**{k: v for k, v in row._mapping.items() if k != "last_seen_at"}), row.last_seen_at)
                for row in rows]

    def mark_offline(self, account_id: str) -> None:
        self._conn.execute(self._table.update().where(self._table.c.id == account_id)
                           .values(account_status="offline"))

    def save_if_newer(self, account: Account) -> bool:
        return _upsert_if_newer(self._conn, self._table, account.__dict__)


# The statements every ring and every accept runs, built once per table: building a statement
# and its cache key costs SQLAlchemy more than PostgreSQL takes to run it.
@functools.lru_cache(maxsize=8)
def _insert(table: sa.Table) -> sa.Insert:
    return table.insert()


@functools.lru_cache(maxsize=16)
def _newest_by(table: sa.Table, column: str) -> sa.Select:
    # The replica may briefly hold an old and a new row for one code; the newest answers.
    order = [table.c.updated_at.desc()] if "updated_at" in table.c else []
    return sa.select(table).where(table.c[column] == sa.bindparam("value")).order_by(*order).limit(1)


@functools.lru_cache(maxsize=4)
def _alive_dealers(accounts: sa.Table, pings: sa.Table) -> sa.Select:
    """`_online` with the organization and `alive_since` as bound parameters, newest rule and all."""
    return _online(sa.select(accounts), accounts, pings, sa.bindparam("organization_id"),
                   sa.bindparam("alive_since", type_=accounts.c.updated_at.type)).order_by(accounts.c.id)


def _online(select: sa.Select, accounts: sa.Table, pings: sa.Table, organization_id: Any,
            alive_since: Any) -> sa.Select:
    """Online, active dealers of an organization; with `alive_since`, only those who switched
    online or pinged since then (the switch bumps the account's updatedAt)."""
    a = accounts
    select = select.where(a.c.organization_id == organization_id, a.c.role == ROLE_DEALER,
                          a.c.status == ACTIVE, a.c.account_status == ONLINE)
    if alive_since is None:
        return select
    return select.where(sa.func.greatest(a.c.updated_at, _last_ping(a, pings)) >= alive_since)  # NULL ignored


def _last_ping(accounts: sa.Table, pings: sa.Table) -> sa.ScalarSelect:
    return sa.select(pings.c.last_ping_at).where(pings.c.dealer_id == accounts.c.id).scalar_subquery()


def _upsert_if_newer(conn: Connection, table: sa.Table, values: dict) -> bool:
    """Insert, or overwrite only an older row: redelivered and late snapshots change nothing."""
    stmt = pg_insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"], set_={key: stmt.excluded[key] for key in values if key != "id"},
        where=table.c.updated_at < stmt.excluded.updated_at)
    return conn.execute(stmt).rowcount == 1


class SqlPingRepository(ports.PingRepository):
    def __init__(self, conn: Connection, tables: Tables):
        self._conn = conn
        self._table = tables["dealer_pings"]

    def record(self, dealer_id: str, at: datetime) -> None:
        stmt = pg_insert(self._table).values(dealer_id=dealer_id, last_ping_at=at)
        self._conn.execute(stmt.on_conflict_do_update(
            index_elements=["dealer_id"],
            set_={"last_ping_at": sa.func.greatest(self._table.c.last_ping_at, stmt.excluded.last_ping_at)}))

    def last_ping(self, dealer_id: str) -> datetime | None:
        return self._conn.execute(sa.select(self._table.c.last_ping_at)
                                  .where(self._table.c.dealer_id == dealer_id)).scalar()


class SqlLeadRepository(ports.LeadRepository):
    def __init__(self, conn: Connection, tables: Tables):
        self._conn = conn
        self._table = tables["leads"]

    def add(self, lead: Lead) -> None:
        vehicle, contact = lead.vehicle, lead.contact
        self._conn.execute(self._table.insert().values(
            id=lead.id, stream_id=lead.stream_id, organization_id=lead.organization_id,
            organization_name=lead.organization_name, vin=lead.vin, make=vehicle.make,
            model=vehicle.model, type=vehicle.type, year=vehicle.year, country=vehicle.country,
            first_name=contact.first_name, last_name=contact.last_name, email=contact.email,
            phone=contact.phone, comment=contact.comment, created_at=lead.created_at))

    def latest_with_email(self, stream_id: str) -> Lead | None:
        t = self._table
        row = self._conn.execute(sa.select(t).where(t.c.stream_id == stream_id, t.c.email.is_not(None),
                                                    t.c.email != "")
                                 .order_by(t.c.created_at.desc()).limit(1)).first()
        if row is None:
            return None
        return Lead(id=row.id, stream_id=row.stream_id, organization_id=row.organization_id,
                    organization_name=row.organization_name, vin=row.vin,
                    vehicle=Vehicle(row.make, row.model, row.type, row.year, row.country),
                    contact=Contact(row.first_name, row.last_name, row.email, row.phone, row.comment),
                    created_at=row.created_at)


class SqlOutboundMessageRepository(ports.OutboundMessageRepository):
    def __init__(self, conn: Connection, tables: Tables):
        self._conn = conn
        self._table = tables["outbound_messages"]

    def add(self, message: ports.OutboundMessage) -> None:
        self._conn.execute(self._table.insert().values(**message.__dict__))

    def for_stream(self, stream_id: str, channel: str) -> list[ports.OutboundMessage]:
        t = self._table
        rows = self._conn.execute(sa.select(t).where(t.c.stream_id == stream_id, t.c.channel == channel)
                                  .order_by(t.c.created_at, t.c.id)).all()
        return [ports.OutboundMessage(**row._mapping) for row in rows]


class StreamsUnitOfWork(SqlUnitOfWork, ports.UnitOfWork):
    def __init__(self, engine: Engine, tables: Tables, *, reading: bool = False):
        super().__init__(engine, tables["outbox"], reading=reading)
        self._tables = tables

    def _open(self, connection: Connection) -> None:
        self.streams = SqlStreamRepository(connection, self._tables)
        self.organizations = SqlOrganizationRepository(connection, self._tables)
        self.accounts = SqlAccountRepository(connection, self._tables)
        self.pings = SqlPingRepository(connection, self._tables)
        self.leads = SqlLeadRepository(connection, self._tables)
        self.outbound_messages = SqlOutboundMessageRepository(connection, self._tables)
