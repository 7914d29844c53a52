"""The dashboard API documents itself: a valid OpenAPI document covering the contract's nine
/dashboard endpoints, admin-only, with query parameters taken from the schemas that parse them."""
import pytest

from dropin_common.testing import documented_api
from dropin_dashboard.entrypoints.schemas import (LeaderboardSchema, OrganizationListSchema, PeriodSchema,
                                                  RecordExportSchema, RecordFilterSchema, RecordListSchema,
                                                  SeriesSchema)

pytestmark = pytest.mark.integration

CONTRACT_PATHS = {f"/dashboard/{name}" for name in (
    "getorganizations", "getcalls", "exportcsvcalls", "countcall", "getleads", "exportcsvleads",
    "countlead", "countcalllead", "countallcalllead")}
FIGURE_PATHS = {f"/dashboard/{name}" for name in ("kpis", "series", "heatmap", "leaderboard", "exportcsvkpis")}
RECORD_FILTERS = {"name", "phone", "organizationName", "organizationId", "status", "carType", "carModel", "carMake",
                  "vin", "from", "to", "timezoneoffset"}
# The schema each view parses its query with (None: the endpoint takes no filters).
QUERY_SCHEMAS = {
    "/dashboard/getorganizations": OrganizationListSchema, "/dashboard/getcalls": RecordListSchema,
    "/dashboard/getleads": RecordListSchema, "/dashboard/exportcsvcalls": RecordExportSchema,
    "/dashboard/exportcsvleads": RecordExportSchema, "/dashboard/countcall": RecordFilterSchema,
    "/dashboard/countlead": RecordFilterSchema, "/dashboard/countcalllead": PeriodSchema,
    "/dashboard/countallcalllead": None,
    "/dashboard/kpis": RecordFilterSchema, "/dashboard/heatmap": RecordFilterSchema,
    "/dashboard/series": SeriesSchema, "/dashboard/exportcsvkpis": SeriesSchema,
    "/dashboard/leaderboard": LeaderboardSchema,
}
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


@pytest.fixture(scope="module")
def document(client):
    return documented_api(client)


def operation(document, path):
    return document["paths"][path]["get"]


def query_parameters(document, path) -> dict[str, dict]:
    return {p["name"]: p for p in operation(document, path).get("parameters", []) if p["in"] == "query"}


def test_the_document_covers_exactly_the_contracts_dashboard_paths_and_the_figures_as_gets(document):
    assert set(document["paths"]) == CONTRACT_PATHS | FIGURE_PATHS
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path


def test_every_operation_is_admin_only_behind_a_jwt(document):
    for path in CONTRACT_PATHS | FIGURE_PATHS:
        op = operation(document, path)
        assert op["tags"] == ["dashboard"], path
        assert op["security"] == [{"apikey": [], "jwt": []}], path
        assert "Admins only" in op["description"], path
        for status in ("401", "403"):
            assert op["responses"][status]["content"] == ERROR, (path, status)
        assert "200" in op["responses"], path


def test_call_and_lead_lists_take_every_contract_filter_and_paging(document):
    for path in ("/dashboard/getcalls", "/dashboard/getleads"):
        query = query_parameters(document, path)
        assert set(query) == RECORD_FILTERS | {"skip", "limit", "query"}, path
        assert query["limit"]["schema"]["maximum"] == 100
        assert query["from"]["schema"]["format"] == "date" and query["to"]["schema"]["format"] == "date"
        assert query["timezoneoffset"]["schema"]["type"] == "integer"
        assert query["status"]["schema"]["type"] == "string"  # "missed,completed", not an array


def test_documented_parameters_are_those_of_the_schema_each_view_parses_with(document):
    for path, schema in QUERY_SCHEMAS.items():
        documented = set(query_parameters(document, path))
        if schema is None:
            assert documented == set(), path
            assert "400" not in operation(document, path)["responses"], path
        else:
            keys = {field.data_key or name for name, field in schema().fields.items()}
            assert documented == keys | {"query"}, path
            assert operation(document, path)["responses"]["400"]["content"] == ERROR, path


def test_counts_take_the_filters_without_paging(document):
    for path in ("/dashboard/countcall", "/dashboard/countlead"):
        assert set(query_parameters(document, path)) == RECORD_FILTERS | {"query"}, path
        assert '{"count": n}' in operation(document, path)["responses"]["200"]["description"]
    assert set(query_parameters(document, "/dashboard/countcalllead")) == {"from", "to", "timezoneoffset", "query"}
    for path in ("/dashboard/countcalllead", "/dashboard/countallcalllead"):
        assert '{"calls": n, "leads": n}' in operation(document, path)["responses"]["200"]["description"]


def test_exports_are_uncapped_csv_attachments(document):
    for path, kind in (("/dashboard/exportcsvcalls", "calls"), ("/dashboard/exportcsvleads", "leads")):
        op = operation(document, path)
        ok = op["responses"]["200"]
        assert ok["content"] == {"text/csv": {"schema": {"type": "string"}}}, path
        assert f"{kind}-YYYY-MM-DD.csv" in ok["headers"]["Content-Disposition"]["description"]
        assert "formula" in op["description"] and "timezoneoffset" in op["description"]
        query = query_parameters(document, path)
        assert set(query) == RECORD_FILTERS | {"skip", "limit", "query"}, path
        assert query["limit"]["schema"]["maximum"] > 10 ** 18, path  # every row unless a limit is given
    for path in CONTRACT_PATHS - {"/dashboard/exportcsvcalls", "/dashboard/exportcsvleads"}:
        assert "text/csv" not in operation(document, path)["responses"]["200"].get("content", {}), path
