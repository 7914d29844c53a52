"""The dashboard's domain: read-model records, the rules that order them, and report filters.
Plain Python only (no Flask, SQLAlchemy, pika or marshmallow)."""
