"""SQL adapters of the ports: the replica, webhook endpoints, the delivery log, the unit of work."""
from __future__ import annotations

import builtins
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from dropin_common.contracts.streams import LeadSnapshot, StreamSnapshot
from dropin_common.db import OUTBOX_NOTIFY_CHANNEL, SqlUnitOfWork

from ..domain.deliveries import FAILED, GIVEN_UP, PENDING, SENT, Delivery, PlannedDelivery
from ..domain.records import AccountRecord, LeadRecord, OrganizationSettings, StreamRecord
from ..domain.webhooks import WebhookEndpoint
from ..ports import DeliveryFilter, DeliveryLog, Replica, Stores, UnitOfWork, Webhooks
from ..use_cases.replication import lead_from, stream_from


def _newer(column: sa.ColumnElement[Any], excluded: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """An upsert's condition: the incoming timestamp is strictly newer (an unknown one never wins
    over a known one, and a known one always wins over an unknown one)."""
    return sa.or_(column.is_(None), sa.and_(excluded.is_not(None), column < excluded))


class SqlReplica(Replica):
    def __init__(self, conn: Connection, tables: dict[str, sa.Table]):
        self._conn = conn
        self._t = tables

    def organization(self, organization_id: str) -> OrganizationSettings | None:
        o = self._t["organizations"]
        row = self._conn.execute(sa.select(o).where(o.c.id == organization_id)).first()
        if row is None:
            return None
        return OrganizationSettings(id=row.id, name=row.name, crm_lead_emails=tuple(row.crm_lead_emails),
                                    manager_emails=tuple(row.manager_emails), timezone=row.timezone,
                                    updated_at=row.updated_at)

    def save_organization(self, organization: OrganizationSettings) -> bool:
        o = self._t["organizations"]
        values = {"name": organization.name, "crm_lead_emails": list(organization.crm_lead_emails),
                  "manager_emails": list(organization.manager_emails), "timezone": organization.timezone,
                  "updated_at": organization.updated_at}
        newer = _newer(o.c.updated_at, sa.literal_column("excluded.updated_at"))
        return self._upsert(o, organization.id, values, newer)

    def account(self, account_id: str) -> AccountRecord | None:
        a = self._t["accounts"]
        row = self._conn.execute(sa.select(a).where(a.c.id == account_id)).first()
        return AccountRecord(id=row.id, role=row.role, status=row.status, updated_at=row.updated_at) if row else None

    def save_account(self, account: AccountRecord) -> bool:
        a = self._t["accounts"]
        values = {"role": account.role, "status": account.status, "updated_at": account.updated_at}
        return self._upsert(a, account.id, values, _newer(a.c.updated_at, sa.literal_column("excluded.updated_at")))

    def stream(self, stream_id: str) -> StreamRecord | None:
        s = self._t["streams"]
        row = self._conn.execute(sa.select(s).where(s.c.id == stream_id)).first()
        return stream_from(StreamSnapshot.from_data(row.snapshot), row.stopped_at) if row else None

    def save_stream(self, stream: StreamRecord) -> bool:
        s = self._t["streams"]
        values = {"version": stream.version, "organization_id": stream.organization_id, "status": stream.status,
                  "stopped_at": stream.stopped_at, "snapshot": stream.snapshot}
        return self._upsert(s, stream.id, values, s.c.version < sa.literal_column("excluded.version"))

    def add_lead(self, lead: LeadRecord) -> bool:
        leads = self._t["leads"]
        inserted = self._conn.execute(
            pg_insert(leads).values(id=lead.id, organization_id=lead.organization_id, stream_id=lead.stream_id,
                                    snapshot=lead.snapshot, created_at=lead.created_at)
            .on_conflict_do_nothing(index_elements=["id"]).returning(leads.c.id)).first()
        return inserted is not None

    def leads_awaiting_crm(self, stream_id: str) -> list[LeadRecord]:
        return self._awaiting(self._t["leads"].c.stream_id == stream_id)

    def leads_awaiting_organization(self, organization_id: str) -> list[LeadRecord]:
        return self._awaiting(self._t["leads"].c.organization_id == organization_id)

    def missed_streams_awaiting_alerts(self, organization_id: str) -> list[StreamRecord]:
        s = self._t["streams"]
        rows = self._conn.execute(sa.select(s).where(
            s.c.organization_id == organization_id, s.c.status == "missed", s.c.alerts_planned_at.is_(None)
        ).order_by(s.c.stopped_at).with_for_update()).all()
        return [stream_from(StreamSnapshot.from_data(row.snapshot), row.stopped_at) for row in rows]

    def mark_alerts_planned(self, stream_id: str) -> None:
        s = self._t["streams"]
        self._conn.execute(s.update().where(s.c.id == stream_id).values(alerts_planned_at=sa.func.now()))

    def _awaiting(self, condition) -> list[LeadRecord]:
        leads = self._t["leads"]
        rows = self._conn.execute(sa.select(leads).where(condition, leads.c.crm_planned_at.is_(None))
                                  .order_by(leads.c.created_at).with_for_update()).all()
        return [lead_from(LeadSnapshot.from_data(row.snapshot), row.created_at) for row in rows]

    def mark_crm_planned(self, lead_id: str) -> None:
        leads = self._t["leads"]
        self._conn.execute(leads.update().where(leads.c.id == lead_id).values(crm_planned_at=sa.func.now()))

    def _upsert(self, table: sa.Table, key: str, values: dict, newer) -> bool:
        # One statement, so two consumers racing on one record still keep the newest.
        statement = pg_insert(table).values(id=key, **values)
        statement = statement.on_conflict_do_update(
            index_elements=["id"], set_={name: statement.excluded[name] for name in values}, where=newer)
        return self._conn.execute(statement.returning(table.c.id)).first() is not None


class SqlWebhooks(Webhooks):
    def __init__(self, conn: Connection, tables: dict[str, sa.Table]):
        self._conn = conn
        self._w = tables["webhook_endpoints"]

    def add(self, endpoint: WebhookEndpoint) -> None:
        self._conn.execute(self._w.insert().values(
            id=endpoint.id, organization_id=endpoint.organization_id, url=endpoint.url,
            events=list(endpoint.events), secret=endpoint.secret, created_at=endpoint.created_at))

    def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = self._conn.execute(sa.select(self._w).where(self._w.c.id == endpoint_id)).first()
        return _endpoint(row) if row else None

    def delete(self, endpoint_id: str) -> None:
        self._conn.execute(self._w.delete().where(self._w.c.id == endpoint_id))

    def list(self, organization_id: str | None, skip: int, limit: int) -> builtins.list[WebhookEndpoint]:
        query = sa.select(self._w).order_by(self._w.c.created_at, self._w.c.id).offset(skip).limit(limit)
        if organization_id is not None:
            query = query.where(self._w.c.organization_id == organization_id)
        return [_endpoint(row) for row in self._conn.execute(query)]

    def subscribed(self, organization_id: str, event_type: str) -> builtins.list[WebhookEndpoint]:
        w = self._w
        query = (sa.select(w).where(w.c.organization_id == organization_id, w.c.events.contains([event_type]))
                 .order_by(w.c.created_at, w.c.id))
        return [_endpoint(row) for row in self._conn.execute(query)]


def _endpoint(row) -> WebhookEndpoint:
    return WebhookEndpoint(id=row.id, organization_id=row.organization_id, url=row.url,
                           events=tuple(row.events), secret=row.secret, created_at=row.created_at)


class SqlDeliveryLog(DeliveryLog):
    def __init__(self, conn: Connection, tables: dict[str, sa.Table]):
        self._conn = conn
        self._d = tables["deliveries"]

    def plan(self, delivery: PlannedDelivery) -> bool:
        d = self._d
        inserted = self._conn.execute(pg_insert(d).values(
            destination=delivery.destination, topic=delivery.event_type, payload=delivery.payload,
            kind=delivery.kind, organization_id=delivery.organization_id, target=delivery.target,
            subject_id=delivery.subject_id, event_type=delivery.event_type,
            endpoint_id=delivery.payload.get("endpointId"), dedup_key=delivery.dedup_key,
        ).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(d.c.id)).first()
        if inserted is not None:
            self._wake(delivery.destination)
        return inserted is not None

    def get(self, delivery_id: int) -> Delivery | None:
        row = self._conn.execute(sa.select(self._d).where(self._d.c.id == delivery_id)).first()
        return _delivery(row) if row else None

    def find(self, criteria: DeliveryFilter, skip: int, limit: int) -> list[Delivery]:
        query = (sa.select(self._d).where(*self._conditions(criteria)).order_by(self._d.c.id.desc())
                 .offset(skip).limit(limit))
        return [_delivery(row) for row in self._conn.execute(query)]

    def count(self, criteria: DeliveryFilter) -> int:
        query = sa.select(sa.func.count()).select_from(self._d).where(*self._conditions(criteria))
        return int(self._conn.execute(query).scalar_one())

    def send_again(self, delivery_id: int) -> None:
        d = self._d
        row = self._conn.execute(d.update().where(d.c.id == delivery_id).values(
            given_up_at=None, attempts=0, available_at=sa.func.now()).returning(d.c.destination)).first()
        if row is not None:
            self._wake(row.destination)

    def set_aside_for_endpoint(self, endpoint_id: str, reason: str) -> int:
        d = self._d
        return self._conn.execute(d.update().where(
            d.c.endpoint_id == endpoint_id, d.c.sent_at.is_(None), d.c.given_up_at.is_(None)
        ).values(given_up_at=sa.func.now(), last_error=reason)).rowcount

    def _conditions(self, criteria: DeliveryFilter) -> list:
        d = self._d
        conditions = []
        if criteria.organization_id is not None:
            conditions.append(d.c.organization_id == criteria.organization_id)
        if criteria.kinds:
            conditions.append(d.c.kind.in_(sorted(criteria.kinds)))
        if criteria.statuses:
            by_status = {
                SENT: d.c.sent_at.is_not(None),
                GIVEN_UP: sa.and_(d.c.sent_at.is_(None), d.c.given_up_at.is_not(None)),
                FAILED: sa.and_(d.c.sent_at.is_(None), d.c.given_up_at.is_(None), d.c.attempts > 0),
                PENDING: sa.and_(d.c.sent_at.is_(None), d.c.given_up_at.is_(None), d.c.attempts == 0),
            }
            conditions.append(sa.or_(*(by_status[status] for status in sorted(criteria.statuses))))
        return conditions

    def _wake(self, destination: str) -> None:
        # The relay sleeps on LISTEN; the NOTIFY is delivered only if this transaction commits.
        self._conn.execute(sa.select(sa.func.pg_notify(OUTBOX_NOTIFY_CHANNEL, destination)))


def _delivery(row) -> Delivery:
    pending = row.sent_at is None and row.given_up_at is None
    return Delivery(id=row.id, kind=row.kind, organization_id=row.organization_id, target=row.target,
                    subject_id=row.subject_id, event_type=row.event_type, attempts=row.attempts,
                    last_error=row.last_error, created_at=row.created_at,
                    next_attempt_at=row.available_at if pending else None, sent_at=row.sent_at,
                    given_up_at=row.given_up_at)


class ConnectionStores(Stores):
    """The stores on a connection whose transaction someone else owns (the consumer's)."""

    def __init__(self, conn: Connection, tables: dict[str, sa.Table]):
        self.replica = SqlReplica(conn, tables)
        self.webhooks = SqlWebhooks(conn, tables)
        self.deliveries = SqlDeliveryLog(conn, tables)


class SqlIntegrationsUnitOfWork(SqlUnitOfWork, UnitOfWork):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        super().__init__(engine, tables["outbox"])
        self._tables = tables

    def _open(self, connection: Connection) -> None:
        self.replica = SqlReplica(connection, self._tables)
        self.webhooks = SqlWebhooks(connection, self._tables)
        self.deliveries = SqlDeliveryLog(connection, self._tables)
