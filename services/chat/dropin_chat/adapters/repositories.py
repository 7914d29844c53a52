"""SQL repositories for messages and the stream replica, and the chat unit of work."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from dropin_common.db import SqlUnitOfWork

from ..domain.messages import ChatMessage
from ..domain.streams import StreamMembership
from ..ports import ChatUnitOfWork, MessageRepository, StreamReplica, StreamReplicaWriter


def history_page_query(messages: sa.Table, stream_id: str, offset: int, limit: int, *,
                       newest_first: bool = False) -> sa.Select:
    """Walks ix_chat_messages_stream_created_id (forwards or backwards): no sort, ever."""
    order: tuple[sa.ColumnElement[Any], ...] = (messages.c.created_at, messages.c.id)
    if newest_first:
        order = tuple(column.desc() for column in order)
    return (sa.select(messages).where(messages.c.stream_id == stream_id)
            .order_by(*order).offset(offset).limit(limit))


class SqlMessageRepository(MessageRepository):
    def __init__(self, connection: Connection, tables: dict[str, sa.Table]):
        self._conn = connection
        self._messages = tables["messages"]
        self._streams = tables["streams"]

    def add(self, message: ChatMessage) -> None:
        self._conn.execute(self._messages.insert().values(
            id=message.id, stream_id=message.stream_id, sender=message.sender, body=message.text,
            created_at=message.created_at))
        self._conn.execute(self._streams.update().where(self._streams.c.id == message.stream_id)
                           .values(message_count=self._streams.c.message_count + 1))

    def page(self, stream_id: str, start: int, limit: int) -> list[ChatMessage]:
        """OFFSET costs a walk over the skipped index entries, so a page in the newer half of a
        long chat is read from the newest end. Exact when the count and the page share a
        snapshot (the history unit of work is REPEATABLE READ)."""
        total = self.count(stream_id)
        limit = min(limit, total - start)
        if limit <= 0:
            return []
        after_page = total - start - limit
        if after_page < start:
            query = history_page_query(self._messages, stream_id, after_page, limit, newest_first=True)
            rows = list(reversed(self._conn.execute(query).all()))
        else:
            rows = list(self._conn.execute(history_page_query(self._messages, stream_id, start, limit)))
        return [ChatMessage(id=str(row.id), stream_id=row.stream_id, sender=row.sender,
                            text=row.body, created_at=row.created_at) for row in rows]

    def count(self, stream_id: str) -> int:
        s = self._streams
        value = self._conn.execute(sa.select(s.c.message_count).where(s.c.id == stream_id)).scalar()
        return int(value or 0)


class SqlChatUnitOfWork(SqlUnitOfWork, ChatUnitOfWork):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        super().__init__(engine, tables["outbox"])
        self._tables = tables

    def _open(self, connection: Connection) -> None:
        self.messages = SqlMessageRepository(connection, self._tables)


def _membership(row) -> StreamMembership:
    return StreamMembership(id=row.id, version=row.version, status=row.status,
                            organization_id=row.organization_id, dealer_id=row.dealer_id,
                            ended_at=row.ended_at)


class SqlStreamReplica(StreamReplica):
    def __init__(self, engine: Engine, tables: dict[str, sa.Table]):
        self._engine = engine
        self._streams = tables["streams"]

    def get(self, stream_id: str) -> StreamMembership | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(self._streams).where(self._streams.c.id == stream_id)).first()
        return _membership(row) if row else None


class SqlStreamReplicaWriter(StreamReplicaWriter):
    def __init__(self, connection: Connection, tables: dict[str, sa.Table]):
        self._conn = connection
        self._streams = tables["streams"]

    def save_if_newer(self, stream: StreamMembership) -> bool:
        s = self._streams
        values = {"version": stream.version, "status": stream.status,
                  "organization_id": stream.organization_id, "dealer_id": stream.dealer_id,
                  "ended_at": stream.ended_at}
        statement = pg_insert(s).values(id=stream.id, **values)
        # One statement, so two consumers racing on one stream still keep the newest version.
        statement = statement.on_conflict_do_update(
            index_elements=[s.c.id],
            set_={**{key: statement.excluded[key] for key in values}, "updated_at": sa.func.now()},
            where=s.c.version < statement.excluded.version)
        return self._conn.execute(statement).rowcount > 0
