"""The history query's plan on a long chat: the composite index, no sort."""
import uuid

import pytest
import sqlalchemy as sa

from dropin_chat.adapters.repositories import history_page_query

pytestmark = pytest.mark.integration

LONG_CHAT = 20_000


def explain(conn, query) -> str:
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return "\n".join(row[0] for row in conn.execute(sa.text(f"EXPLAIN {compiled}")))


def test_history_pages_of_a_long_chat_walk_the_stream_index_either_way_without_sorting(container, known_stream):
    long_chat, other_chat = known_stream(), known_stream()
    with container.engine.begin() as conn:
        for stream_id in (long_chat, other_chat):
            conn.execute(sa.text(
                "INSERT INTO chat_messages (id, stream_id, sender, body, created_at) "
                "SELECT gen_random_uuid(), :stream, 'shopper', 'message ' || n, "
                "now() + n * interval '1 millisecond' FROM generate_series(1, :count) AS n"),
                {"stream": stream_id, "count": LONG_CHAT})
        conn.execute(sa.text("ANALYZE chat_messages"))

    messages = container.tables["messages"]
    with container.engine.connect() as conn:
        forward = explain(conn, history_page_query(messages, long_chat, 5_000, 10))
        backward = explain(conn, history_page_query(messages, long_chat, 5_000, 10, newest_first=True))
        page = conn.execute(history_page_query(messages, long_chat, 5_000, 3)).all()

    for plan in (forward, backward):
        assert "ix_chat_messages_stream_created_id" in plan, plan
        assert "Sort" not in plan and "Seq Scan" not in plan, plan
    assert "Backward" in backward, backward
    assert [row.body for row in page] == ["message 5001", "message 5002", "message 5003"]
    assert uuid.UUID(str(page[0].id))
