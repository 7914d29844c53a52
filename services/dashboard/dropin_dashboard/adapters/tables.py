"""The read-model tables (SQLAlchemy Core) and the messaging tables every service has.

Indexes (created by the migrations) serve the dashboard's filters: btree on the time column
(newest first, id as tiebreak), status and organization; trigram GIN for substring search on
names, phone, organization name and VIN; lower(...) for the case-insensitive vehicle equality;
GIN on the phone search keys (each 4-digit run of the phone in its record's UTC month, migration
0010) for a phone filter within a bounded period.
"""
from __future__ import annotations

import sqlalchemy as sa

from dropin_common.db import messaging_tables
from dropin_common.progress import consumer_progress_table

TZ = sa.DateTime(timezone=True)


def _vehicle_columns() -> list[sa.Column]:
    return [sa.Column("vehicle_make", sa.Text), sa.Column("vehicle_model", sa.Text),
            sa.Column("vehicle_type", sa.Text), sa.Column("vehicle_year", sa.Integer)]


def _shopper_columns() -> list[sa.Column]:
    return [sa.Column("first_name", sa.Text), sa.Column("last_name", sa.Text),
            sa.Column("email", sa.Text), sa.Column("phone", sa.Text)]


def build_tables() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    metadata = sa.MetaData()
    tables = messaging_tables(metadata)
    tables["consumer_progress"] = consumer_progress_table(metadata)
    tables["calls"] = sa.Table(
        "calls", metadata,
        sa.Column("id", sa.String(64), primary_key=True),  # the stream id
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("organization_code", sa.Text),
        sa.Column("organization_name", sa.Text),
        sa.Column("vin", sa.Text),
        *_vehicle_columns(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dealer_id", sa.String(64)),
        sa.Column("dealer_first_name", sa.Text),
        sa.Column("dealer_last_name", sa.Text),
        sa.Column("requested_at", TZ),
        sa.Column("accepted_at", TZ),
        sa.Column("stopped_at", TZ),
        sa.Column("stopped_by", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("duration_seconds", sa.Integer),
        *_shopper_columns(),  # from the stream's newest lead
        # Computed once, as the events arrive (see domain.kpis for what they mean).
        sa.Column("time_to_answer_seconds", sa.Integer),  # accepted - requested; NULL: never answered
        sa.Column("missed_reason", sa.Text),
        sa.Column("dealers_rung", sa.Integer),
        sa.Column("lead_count", sa.Integer, nullable=False, server_default="0"),
    )
    tables["leads"] = sa.Table(
        "leads", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("stream_id", sa.String(64)),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("organization_name", sa.Text),
        sa.Column("vin", sa.Text),
        *_vehicle_columns(),
        *_shopper_columns(),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("call_status", sa.String(16)),  # copied from the call, for the status filter
    )
    tables["organizations"] = sa.Table(
        "organizations", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("code", sa.Text),
        sa.Column("loan_link", sa.Text),
        sa.Column("created_at", TZ),
        sa.Column("updated_at", TZ),  # NULL: a stand-in from a stream or lead until its own event
        sa.Column("timezone", sa.Text),  # IANA name, once organization events carry it
    )
    # Every account, with its role: dealers are listed; any account keeps its updatedAt stamp
    # so an old event cannot bring back a stale version.
    tables["dealers"] = sa.Table(
        "dealers", metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.Text),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16)),
        sa.Column("account_status", sa.String(16)),
        sa.Column("organization_id", sa.String(64)),
        sa.Column("created_at", TZ),
        sa.Column("updated_at", TZ, nullable=False),
    )
    # Calls (by requested_at) and leads (by created_at) per UTC day and per 15-minute quarter,
    # kept by the projection as rows are first inserted: period counts sum buckets, not rows.
    tables["period_counts"] = sa.Table(
        "period_counts", metadata,
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    # Calls and leads per UTC day and value of one filterable column (facet): status (a lead's call
    # status), or lower(vehicle make / model / type). Kept by the projection on every change of those.
    tables["facet_counts"] = sa.Table(
        "facet_counts", metadata,
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("facet", sa.String(8), primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("day", TZ, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    # Calls and leads per shopper name in lower case ('' for none): a name substring count sums
    # the few matching names' rows. Kept by the projection like facet_counts.
    tables["name_counts"] = sa.Table(
        "name_counts", metadata,
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("lower_first_name", sa.Text, primary_key=True),
        sa.Column("lower_last_name", sa.Text, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    # Call figures per scope (an organization id, or '' for all) and UTC hour / UTC day of
    # requested_at: an exact pre-aggregation the projection moves with every change of a call, so
    # KPIs, series and heatmaps over a period sum a few hundred rows instead of millions of calls.
    tables["call_stats"] = sa.Table(
        "call_stats", metadata,
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        *[sa.Column(name, sa.BigInteger, nullable=False, server_default="0") for name in STAT_COLUMNS],
    )
    # Answered calls per scope, bucket and whole seconds of time to answer: an exact histogram, so
    # percentiles read from it equal percentile_cont over the calls.
    tables["answer_times"] = sa.Table(
        "answer_times", metadata,
        sa.Column("scope", sa.String(64), primary_key=True),
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        sa.Column("seconds", sa.Integer, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    # Answered calls per dealer and UTC day / month / year of requested_at, and their answer times
    # in whole seconds: the leaderboard of every organization ranks dealers by the counts and reads
    # exact medians from the histograms of the few dealers a page needs. Kept like call_stats.
    tables["dealer_stats"] = sa.Table(
        "dealer_stats", metadata,
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        sa.Column("dealer_id", sa.String(64), primary_key=True),
        *[sa.Column(name, sa.BigInteger, nullable=False, server_default="0") for name in DEALER_STAT_COLUMNS],
    )
    tables["dealer_answer_times"] = sa.Table(
        "dealer_answer_times", metadata,
        sa.Column("grain", sa.String(8), primary_key=True),
        sa.Column("bucket", TZ, primary_key=True),
        sa.Column("dealer_id", sa.String(64), primary_key=True),
        sa.Column("seconds", sa.Integer, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    return metadata, tables


DEALER_STAT_COLUMNS = ("answered", "duration_total", "durations", "leads")
STAT_COLUMNS = ("calls", "answered", "missed", "expired", "duration_total", "durations", "leads",
                "calls_with_lead")
ALL_ORGANIZATIONS = ""  # the scope of call_stats / answer_times rows that count every organization
READ_MODEL_TABLES = ("calls", "leads", "organizations", "dealers", "period_counts", "facet_counts",
                     "name_counts", "call_stats", "answer_times", "dealer_stats", "dealer_answer_times")
