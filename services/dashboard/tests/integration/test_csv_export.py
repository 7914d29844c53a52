"""CSV exports: parsed back with the csv module, on the broker-fed dataset and on bulk rows."""
import csv
import io
import re

import pytest
import sqlalchemy as sa

from dropin_dashboard.domain.filters import Page, RecordFilter
from tests.integration.conftest import reset_read_models

pytestmark = pytest.mark.integration

CALL_HEADER = ["id", "requestedAt", "acceptedAt", "stoppedAt", "status", "durationSeconds", "timeToAnswerSeconds",
               "missedReason", "dealersRung", "organizationName",
               "dealerName", "firstName", "lastName", "email", "phone", "vin", "make", "model", "type", "year",
               "note"]
LEAD_HEADER = ["id", "createdAt", "firstName", "lastName", "email", "phone", "comment", "organizationName",
               "vin", "make", "model", "type", "year", "streamId", "callStatus"]


def export(client, headers, endpoint, **params):
    response = client.get(f"/dashboard/{endpoint}", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    return response, rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_calls_csv_is_an_attachment_with_a_header_and_a_row_per_call(client, admin_headers, dataset):
    response, header, rows = export(client, admin_headers, "exportcsvcalls")
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="calls-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])
    assert header == CALL_HEADER
    assert [row["id"] for row in rows] == [dataset.call_ids[key] for key in "DABC"]
    call_a = rows[1]
    assert (call_a["firstName"], call_a["lastName"], call_a["phone"], call_a["dealerName"]) == \
        ("Lan", "Nguyen", "'+84 90 111 2222", "Minh Tran")
    assert (call_a["status"], call_a["durationSeconds"], call_a["make"], call_a["year"]) == \
        ("completed", "240", "Toyota", "2012")
    assert (call_a["timeToAnswerSeconds"], call_a["missedReason"], call_a["dealersRung"]) == ("20", "", "")
    assert rows[2]["timeToAnswerSeconds"] == ""  # B was never answered
    assert rows[3]["firstName"] == "" and rows[3]["stoppedAt"] == ""


@pytest.mark.parametrize("offset,requested,stopped", [
    (None, "2026-06-16 18:30:00", "2026-06-16 18:34:20"),
    (-420, "2026-06-17 01:30:00", "2026-06-17 01:34:20"),  # GMT+7
    (300, "2026-06-16 13:30:00", "2026-06-16 13:34:20"),   # GMT-5
    (-330, "2026-06-17 00:00:00", "2026-06-17 00:04:20"),  # GMT+5:30
])
def test_call_times_are_printed_in_the_clients_zone(client, admin_headers, dataset, offset, requested, stopped):
    params = {"name": "lan"} | ({"timezoneoffset": offset} if offset is not None else {})
    _, _, [row] = export(client, admin_headers, "exportcsvcalls", **params)
    assert (row["requestedAt"], row["stoppedAt"]) == (requested, stopped)


def test_calls_csv_takes_the_same_filters_as_the_list(client, admin_headers, dataset):
    _, _, rows = export(client, admin_headers, "exportcsvcalls",
                        **{"carMake": "honda", "from": "2026-06-16", "to": "2026-06-16"})
    assert [row["id"] for row in rows] == [dataset.call_ids["B"]]


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(client, admin_headers, dataset):
    _, _, calls = export(client, admin_headers, "exportcsvcalls", status="missed")
    assert calls[0]["note"] == "'+SUM(A1:A9)"
    _, _, leads = export(client, admin_headers, "exportcsvleads", name="bao")
    assert leads[0]["comment"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert leads[0]["email"] == "bao@example.com"


def test_leads_csv_has_a_header_a_row_per_lead_and_local_times(client, admin_headers, dataset):
    response, header, rows = export(client, admin_headers, "exportcsvleads", timezoneoffset=-420)
    assert re.fullmatch(r'attachment; filename="leads-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])
    assert header == LEAD_HEADER
    assert [row["id"] for row in rows] == [dataset.lead_ids[key] for key in "AB"]
    assert rows[0]["createdAt"] == "2026-06-17 01:40:00"
    assert (rows[0]["streamId"], rows[0]["callStatus"]) == (dataset.call_ids["A"], "completed")


def test_limit_and_skip_cut_the_export(client, admin_headers, dataset):
    _, _, rows = export(client, admin_headers, "exportcsvcalls", skip=1, limit=2)
    assert [row["id"] for row in rows] == [dataset.call_ids[key] for key in "AB"]


def test_export_with_no_match_is_just_the_header(client, admin_headers, dataset):
    _, header, rows = export(client, admin_headers, "exportcsvleads", vin="no-such-vin")
    assert header == LEAD_HEADER and rows == []


@pytest.fixture
def many_calls(container):
    """Bulk rows straight into the read model (what the consumer would write), to export in blocks."""
    reset_read_models(container)
    with container.engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO calls (id, version, organization_name, vin, status, requested_at, first_name)
            SELECT 'bulk-' || n, 1, 'Bulk Motors', 'VIN' || n, 'completed',
                   timestamptz '2026-01-01 00:00Z' + n * interval '1 minute', 'Shopper ' || n
              FROM generate_series(1, 20000) AS n"""))
    container.maintenance.recount_periods()  # the counts the consumer would have kept
    yield 20000
    reset_read_models(container)


def test_export_streams_every_row_past_the_list_limit_in_several_blocks(client, admin_headers, container,
                                                                      many_calls):
    blocks = list(container.exporter.calls_csv(RecordFilter(), Page(limit=None), 0))
    assert len(blocks) > 1
    _, _, rows = export(client, admin_headers, "exportcsvcalls")
    assert len(rows) == many_calls
    assert rows[0]["id"] == "bulk-20000" and rows[-1]["id"] == "bulk-1"


def test_export_blocks_gather_many_rows_and_equal_postgresqls_own_copy(container, many_calls):
    """PostgreSQL sends a COPY message per row; passing each on as its own write halved the rate of
    cheap rows. Blocks gather about 64 KiB of rows, and together they are byte for byte the COPY."""
    from dropin_dashboard.adapters.csv_export import CHUNK_BYTES
    blocks = list(container.exporter.calls_csv(RecordFilter(), Page(limit=None), 0))
    assert len(blocks) < many_calls / 100
    assert all(len(block) >= CHUNK_BYTES for block in blocks[:-1])
    select = "SELECT id, requested_at, first_name FROM calls ORDER BY requested_at DESC"
    gathered = b"".join(container.exporter._copy_blocks(select, {}))
    raw = container.engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            copied = b"".join(bytes(block) for block in copy)
    finally:
        raw.close()
    assert gathered == copied and gathered.count(b"\n") == many_calls + 1


def test_export_left_early_gives_its_connection_back(container, many_calls):
    blocks = container.exporter.calls_csv(RecordFilter(), Page(limit=None), 0)
    assert next(blocks).startswith(b"id,requestedAt")
    blocks.close()  # what the server does when the client goes away
    assert container.engine.pool.checkedout() == 0
    assert container.read_models.count_calls(RecordFilter(statuses=frozenset({"completed"}))) == many_calls



def test_the_dashboards_connections_run_without_jit(container):
    """A substring filter's poor row estimate (10M calls) made PostgreSQL JIT-compile for longer
    than the query then ran; the dashboard's engine turns JIT off (exports turn it back on)."""
    import sqlalchemy as sa
    with container.engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar_one() == "off"
