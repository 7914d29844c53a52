"""The merged document: every service's paths, shared components once, clashing ones renamed."""
import pytest

from dropin_common.openapi_merge import merge

ERROR = {"type": "object", "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}}}


def document(paths, schemas, version="1.0"):
    return {"openapi": "3.0.3", "info": {"title": "x", "version": version}, "paths": paths,
            "components": {"schemas": schemas}, "tags": [{"name": "t"}]}


def test_identical_components_are_kept_once_and_clashing_ones_renamed_with_their_references():
    detail = {"type": "object", "properties": {"code": {"type": "string"}}}
    other_detail = {"type": "object", "properties": {"code": {"type": "integer"}}}
    error = {"schema": {"$ref": "#/components/schemas/Error"}}
    answer = {"responses": {"400": {"content": {"application/json": error}}}}
    merged = merge({
        "auth": document({"/auth": {"post": answer}}, {"Error": ERROR, "ErrorDetail": detail}),
        "chat": document({"/chat/{streamId}": {"get": answer}}, {"Error": ERROR, "ErrorDetail": detail}),
        "streams": document({"/streams": {"get": answer}}, {"Error": ERROR, "ErrorDetail": other_detail}),
    })
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"Error", "ErrorDetail", "StreamsError", "StreamsErrorDetail"}
    assert schemas["Error"] == ERROR and schemas["ErrorDetail"] == detail
    assert schemas["StreamsError"]["properties"]["error"] == {"$ref": "#/components/schemas/StreamsErrorDetail"}
    streams_error = merged["paths"]["/streams"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]
    assert streams_error == {"$ref": "#/components/schemas/StreamsError"}
    assert merged["info"]["version"] == "auth 1.0, chat 1.0, streams 1.0"
    assert merged["tags"] == [{"name": "t"}]


def test_a_path_served_by_two_services_is_refused():
    with pytest.raises(ValueError):
        merge({"a": document({"/x": {}}, {}), "b": document({"/x": {}}, {})})
