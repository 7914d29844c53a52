"""The chat API documents itself: a valid OpenAPI document covering every route, from the same
marshmallow schemas that validate requests."""
from dropin_common.testing import documented_api


def test_every_chat_route_is_in_a_valid_openapi_document(client):
    document = documented_api(client)
    assert set(document["paths"]) == {"/chat/{streamId}"}
    operations = document["paths"]["/chat/{streamId}"]
    assert operations["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PostMessage"}
    message = document["components"]["schemas"]["PostMessage"]
    assert message["required"] == ["message"] and "from" in message["properties"]
    query = {p["name"]: p for p in operations["get"]["parameters"] if p["in"] == "query"}
    assert set(query) == {"start", "limit", "query"}
    assert query["limit"]["schema"]["maximum"] == 100 and query["start"]["schema"]["minimum"] == 0
    assert operations["get"]["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
