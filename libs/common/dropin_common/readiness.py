"""What `/readyz` checks in every service: its own database and the broker answer."""
from __future__ import annotations

import pika
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .broker import connection_parameters


def readiness_checks(engine: Engine, amqp_url: str) -> dict:
    def database() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def broker() -> None:
        pika.BlockingConnection(connection_parameters(amqp_url)).close()

    return {"database": database, "broker": broker}
