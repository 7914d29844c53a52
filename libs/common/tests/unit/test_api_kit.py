"""The flask-smorest kit: one schema validates and documents; errors keep the one documented shape."""
import json
from urllib.parse import quote

import pytest
from marshmallow import Schema, fields, validate
from openapi_spec_validator import validate as validate_spec

from dropin_common.api import Blueprint, ErrorSchema, service_api
from dropin_common.auth import ROLE_ADMIN
from dropin_common.http import create_service_app
from dropin_common.query import DateRangeSchema, LooseString, PageSchema


class ThingFilterSchema(DateRangeSchema, PageSchema):
    name = LooseString(load_default=None)


class ThingSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class NewThingSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=10))


@pytest.fixture()
def app():
    app = create_service_app("probe", max_body_bytes=1024, readiness_checks={})
    things = Blueprint("things", __name__)

    @things.get("/things")
    @things.filters(ThingFilterSchema)
    @things.response(200, ThingSchema(many=True))
    def find(query):
        return [{"id": str(query["skip"]), "name": f"{query['name']}/{query['limit']}/{query['to_day']}",
                 "undocumented": "dropped"}]

    @things.post("/things/<thing_id>")
    @things.authenticated(ROLE_ADMIN)
    @things.arguments(NewThingSchema)
    @things.response(201, ThingSchema)
    @things.errors({409: "Taken."})
    def create(body, thing_id):
        return {"id": thing_id, "name": body["name"]}

    service_api(app).register_blueprint(things)
    return app


def test_plain_keys_and_the_json_query_form_load_through_one_schema(app):
    client = app.test_client()
    query = quote(json.dumps({"limit": 5, "to": "2026-01-02"}))
    answer = client.get(f"/things?skip=3&limit=9&name=bob&query={query}")
    assert answer.status_code == 200
    assert answer.json == [{"id": "3", "name": "bob/5/2026-01-02"}]


def test_a_filter_given_twice_is_a_400_naming_it(app):
    answer = app.test_client().get("/things?name=a&name=b")
    assert answer.status_code == 400 and answer.json["error"]["field"] == "name"


@pytest.mark.parametrize("query_string, field", [
    ("to=", "to"), ("limit=", "limit"), ("limit=0", "limit"), ("limit=1.5", "limit"),
    ("limit=x&query=" + quote('{"limit": 5}'), "limit"),
    ("query=" + quote('{"from": "nope"}'), "from")])
def test_a_bad_or_empty_typed_filter_is_a_400_naming_it(app, query_string, field):
    answer = app.test_client().get(f"/things?{query_string}")
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "invalid_field" and answer.json["error"]["field"] == field
    assert ErrorSchema().validate(answer.json) == {}


def test_an_empty_text_filter_is_no_filter(app):
    assert app.test_client().get("/things?name=").json == [{"id": "0", "name": "None/20/None"}]


@pytest.mark.parametrize("query", ["nope", "[1]"])
def test_a_query_that_is_not_a_json_object_is_a_400(app, query):
    answer = app.test_client().get(f"/things?query={quote(query)}")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_query"


def test_authentication_comes_before_the_body(app):
    answer = app.test_client().post("/things/t1", data="{nope", content_type="application/json")
    assert answer.status_code == 401


def test_a_wrong_method_answers_405_with_allow(app):
    answer = app.test_client().delete("/things")
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET, HEAD"


def test_the_document_is_valid_and_states_what_the_views_do(app):
    document = app.test_client().get("/openapi.json").json
    validate_spec(document)
    assert document["openapi"] == "3.0.3"
    assert document["components"]["securitySchemes"]["apikey"]["name"] == "apikey"
    find = document["paths"]["/things"]["get"]
    assert {p["name"] for p in find["parameters"]} >= {"skip", "limit", "from", "to", "timezoneoffset", "query"}
    json_query = next(p for p in find["parameters"] if p["name"] == "query")
    assert "application/json" in json_query["content"]
    create = document["paths"]["/things/{thingId}"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "409", "413"}  # 413: a body over the limit
    assert "apikey" in find["responses"]["401"]["description"]  # the gateway's, on every operation
    assert create["security"] == [{"apikey": [], "jwt": []}]
    operations = [op for item in document["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert all("default" not in op.get("responses", {}) for op in operations)
    error = document["components"]["schemas"]["ErrorDetail"]["properties"]
    assert set(error) == {"code", "message", "field", "fields"}


def test_documented_api_passes_the_routes_the_kit_declares(app):
    from dropin_common.testing import documented_api
    assert "/things/{thingId}" in documented_api(app.test_client())["paths"]


def test_documented_api_catches_a_route_declared_outside_the_kit(app):
    from dropin_common.testing import documented_api
    app.add_url_rule("/plain/<thing_id>", "plain", lambda thing_id: {})
    with pytest.raises(AssertionError, match="routes without OpenAPI docs"):
        documented_api(app.test_client())
