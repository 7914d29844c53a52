"""A CSV export as an HTTP download: streamed as PostgreSQL produces it, named after the client's day."""
from __future__ import annotations

from collections.abc import Iterator
from flask import Response

from dropin_common.timeutil import ClientTimezoneOffset, utcnow


def _started(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """Runs the export up to its first block now, so a failing query is an error response rather
    than a cut-off download; the rest streams as PostgreSQL produces it."""
    first = next(blocks, b"")

    def stream():
        yield first
        yield from blocks
    return stream()


def csv_response(kind: str, blocks: Iterator[bytes], timezone_offset: int) -> Response:
    client_today = ClientTimezoneOffset(timezone_offset).today(utcnow()).isoformat()
    return Response(_started(blocks), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{kind}-{client_today}.csv"',
        "X-Accel-Buffering": "no",  # let nginx pass blocks on as they come
        "Cache-Control": "no-store"})
