"""The streams API documents itself: a valid OpenAPI document covering every route, from the same
marshmallow schemas that validate requests."""
from __future__ import annotations

import pytest

from dropin_common.testing import documented_api
from dropin_streams.entrypoints.http import create_app

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
JWT_REQUIRED = [{"apikey": [], "jwt": []}]
JWT_OPTIONAL = [{"apikey": []}, {"apikey": [], "jwt": []}]


@pytest.fixture(scope="module")
def document(container):
    return documented_api(create_app(container).test_client())


def test_the_documented_paths_are_the_contracts_streams_paths(document):
    assert {(path, method) for path, item in document["paths"].items() for method in item
            if method != "parameters"} == {
        ("/streams/request/{organizationCode}", "post"), ("/streams/accept/{streamId}", "post"),
        ("/streams/stop/{streamId}", "post"), ("/streams/{streamId}", "get"), ("/streams", "get"),
        ("/ping", "post"), ("/streams/log/{streamId}", "post"), ("/streams/note/{streamId}", "post"),
        ("/streams/sendloanlink/{streamId}", "post"), ("/leads", "post"), ("/vin/{vinId}", "get"),
        ("/socket/auth", "post"),
        # Beyond the contract (issue 13): availability before the button, the Beams token provider.
        ("/streams/availability/{organizationCode}", "get"), ("/pusher/beams-auth", "get")}
    assert [p["name"] for p in document["paths"]["/streams/request/{organizationCode}"]["parameters"]] == [
        "organizationCode"]
    assert {tag for item in document["paths"].values() for operation in item.values()
            if isinstance(operation, dict) for tag in operation.get("tags", [])} == {
        "streams", "leads", "vin", "socket", "presence"}


def test_a_stream_request_needs_a_vin_and_may_be_rate_limited(document):
    operation = document["paths"]["/streams/request/{organizationCode}"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RequestStream"}
    body = document["components"]["schemas"]["RequestStream"]
    assert body["required"] == ["vin"]
    assert set(body["properties"]) == {"vin", "make", "model", "type", "year"}
    assert body["properties"]["year"]["minimum"] == 1900
    assert "security" not in operation  # the global apikey only: shoppers have no login
    assert set(operation["responses"]) == {"201", "400", "401", "404", "413", "429", "503"}  # 401, 413: the gateway
    assert operation["responses"]["404"]["content"] == ERROR
    created = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert created == {"$ref": "#/components/schemas/RequestedStreamAnswer"}
    answer = document["components"]["schemas"]["RequestedStreamAnswer"]
    assert {"streamToken", "notifiedDealers", "nextOpenAt", "logs", "dealer"} <= set(answer["properties"])
    assert "nextOpenAt" not in answer["required"]  # only when the organization is closed


def test_accept_needs_a_dealers_jwt_and_answers_409_to_the_losers(document):
    operation = document["paths"]["/streams/accept/{streamId}"]["post"]
    assert operation["security"] == JWT_REQUIRED
    assert {"200", "401", "403", "404", "409"} <= set(operation["responses"])
    assert operation["responses"]["409"]["content"] == ERROR


def test_the_jwt_is_required_or_optional_where_the_views_say_so(document):
    paths = document["paths"]
    assert paths["/streams"]["get"]["security"] == JWT_REQUIRED
    assert paths["/ping"]["post"]["security"] == JWT_REQUIRED
    assert paths["/streams/note/{streamId}"]["post"]["security"] == JWT_REQUIRED  # a dealer action
    for path, method in (("/streams/stop/{streamId}", "post"), ("/streams/sendloanlink/{streamId}", "post"),
                         ("/socket/auth", "post"), ("/streams/{streamId}", "get"), ("/leads", "post"),
                         ("/streams/log/{streamId}", "post")):
        # No login needed, but a JWT, when sent, is checked against the stream's organization.
        assert paths[path][method]["security"] == JWT_OPTIONAL, path
    assert "security" not in paths["/vin/{vinId}"]["get"]


def test_leads_document_their_fields_by_the_contracts_names(document):
    operation = document["paths"]["/leads"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Lead"}
    lead = document["components"]["schemas"]["Lead"]
    assert set(lead["properties"]) == {"streamId", "organizationToken", "vinId", "firstName", "lastName",
                                       "email", "phone", "comment"}
    assert "required" not in lead  # which of them are needed is the use case's rule, documented in prose
    assert {"201", "400", "401", "404"} <= set(operation["responses"])


def test_the_stream_list_documents_its_filters_as_query_parameters(document):
    operation = document["paths"]["/streams"]["get"]
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(query) == {"status", "skip", "limit", "query"}
    assert query["status"]["schema"]["type"] == "string"
    assert query["limit"]["schema"]["maximum"] == 100


def test_socket_auth_takes_a_form_or_json_body(document):
    operation = document["paths"]["/socket/auth"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/x-www-form-urlencoded", "application/json"}
    assert {media["schema"]["$ref"] for media in content.values()} == {"#/components/schemas/ChannelAuth"}
    auth = document["components"]["schemas"]["ChannelAuth"]
    assert auth["required"] == ["channel_name", "socket_id"]
    assert "streamToken" in auth["properties"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "header"] == ["X-Stream-Token"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])


def test_the_after_stream_actions_document_their_conflicts(document):
    paths = document["paths"]
    loan_link = paths["/streams/sendloanlink/{streamId}"]["post"]
    assert {"200", "202", "403", "409", "429"} <= set(loan_link["responses"])
    note = paths["/streams/note/{streamId}"]["post"]
    assert note["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Note"}
    assert {"400", "401", "403", "404", "409"} <= set(note["responses"])
    log = paths["/streams/log/{streamId}"]["post"]
    assert document["components"]["schemas"]["StreamLog"]["properties"]["type"]["enum"] == ["pusher", "push"]
    assert set(log["responses"]) == {"201", "400", "401", "403", "404", "413", "503"}


def test_every_operation_documents_its_success_body_and_no_catch_all(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert "default" not in operation["responses"], (method, path)
            successes = [status for status in operation["responses"] if status.startswith("2")]
            assert successes, (method, path)
            for status in successes:
                assert operation["responses"][status]["content"]["application/json"]["schema"], (method, path)


def test_a_stream_is_answered_whole_to_its_organization_and_as_the_shoppers_view_to_others(document):
    either = {"anyOf": [{"$ref": "#/components/schemas/StreamAnswer"},
                        {"$ref": "#/components/schemas/ShopperStreamAnswer"}]}
    for path in ("/streams/{streamId}", "/streams/stop/{streamId}", "/streams/note/{streamId}"):
        operation = next(iter(document["paths"][path].values()))
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == either, path
    shopper = document["components"]["schemas"]["ShopperStreamAnswer"]["properties"]
    assert "note" not in shopper and "logs" not in shopper and "dealerId" not in shopper
    assert {"$ref": "#/components/schemas/ShopperDealerAnswer"} in shopper["dealer"]["anyOf"]  # first name only


def test_a_vin_to_decode_is_documented_as_vininfo_takes_it(document):
    (parameter,) = document["paths"]["/vin/{vinId}"]["get"]["parameters"]
    assert parameter["schema"]["pattern"] == r"^\s*[A-HJ-NPR-Za-hj-npr-z0-9]{17}\s*$"
