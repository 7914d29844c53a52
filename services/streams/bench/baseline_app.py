"""The floor the streams benchmark compares against: Flask doing one primary-key SELECT on the
streams database and nothing else (no auth, no logging, no logs query), served by gunicorn.

    gunicorn -k gthread -b 127.0.0.1:$BASELINE_PORT 'baseline_app:create_app()'
Env: BASELINE_DATABASE_URL (the streams database).
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, jsonify


def create_app() -> Flask:
    engine = sa.create_engine(os.environ["BASELINE_DATABASE_URL"], pool_size=5, pool_pre_ping=True)
    query = sa.text("SELECT id, status, vin, organization_id, requested_at FROM streams WHERE id = :id")
    app = Flask("baseline")

    @app.get("/__baseline/streams/<stream_id>")
    def get_stream(stream_id: str):
        with engine.connect() as conn:
            row = conn.execute(query, {"id": stream_id}).mappings().first()
        if row is None:
            return jsonify({"error": {"code": "stream_not_found"}}), 404
        return jsonify({**row, "requested_at": row["requested_at"].isoformat()})

    return app
