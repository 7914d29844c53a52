"""The OpenAPI document of a service, built by apispec from its views and marshmallow schemas.

Each view documents itself in its docstring, below a `---` line, as apispec's YAML docstrings do:

    @chat.post("/chat/<stream_id>")
    def save_message(stream_id):
        '''Saves a message.
        ---
        post:
          summary: Save a message on a stream
          requestBody: {content: {application/json: {schema: PostMessageSchema}}}
          responses: {201: {description: The saved message}}
        '''

Schemas are named by class (marshmallow's class registry resolves them); `in: query` parameters
given a schema are expanded into one parameter per field. What every operation shares is added
here: the gateway's `apikey`, path parameters, and the JSON error body for any other status.
"""
from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import Flask
from marshmallow import Schema, fields

from .naming import camel
from .query import CommaSeparatedSet

OPENAPI_VERSION = "3.0.3"
UNDOCUMENTED = {"static", "healthz", "readyz", "openapi", "metrics"}  # operators' endpoints, not the API
_FLASK_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_JSON_QUERY = {  # the contract's `?query=<URL-encoded JSON>`, read by dropin_common.query
    "in": "query", "name": "query", "required": False, "schema": {"type": "string"},
    "description": "The same filters as one URL-encoded JSON object; its keys win over plain parameters."}
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable, machine-readable code."})
    message = fields.String(required=True)
    field = fields.String(metadata={"description": "The request field at fault, when one is."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


def build_openapi(app: Flask, *, title: str, version: str, description: str = "") -> dict[str, Any]:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(title=title, version=version, openapi_version=OPENAPI_VERSION,
                   plugins=[marshmallow], info={"description": description},
                   security=[{"apikey": []}])
    marshmallow.map_to_openapi_type(CommaSeparatedSet, "string", None)
    assert marshmallow.converter is not None  # made when APISpec took the plugin
    marshmallow.converter.add_attribute_function(_allowed_values)
    spec.components.security_scheme("apikey", {
        "type": "apiKey", "in": "header", "name": "apikey",
        "description": "Checked by the gateway on every request."})
    spec.components.security_scheme("jwt", {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "`JWT <token>` or `Bearer <token>`, as returned by `POST /auth`."})
    spec.components.schema("Error", schema=ErrorSchema)

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint.rsplit(".", 1)[-1] in UNDOCUMENTED:
            continue
        view = app.view_functions[rule.endpoint]
        documented = load_operations_from_docstring(view.__doc__ or "")
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        operations = {method.lower(): _with_defaults(documented.get(method.lower()))
                      for method in methods}
        # Flask's `<stream_id>` is the contract's `:streamId`.
        parameters = [{"in": "path", "name": camel(name), "required": True, "schema": {"type": "string"}}
                      for name in _FLASK_PARAMETER.findall(rule.rule)]
        path = _FLASK_PARAMETER.sub(lambda match: "{" + camel(match.group(1)) + "}", rule.rule)
        spec.path(path=path, operations=operations, parameters=parameters)
    return spec.to_dict()


def _allowed_values(_converter, field, **_kwargs) -> dict[str, Any]:
    """A comma-separated set says which values it takes, since OpenAPI has no enum of lists."""
    if isinstance(field, CommaSeparatedSet):
        return {"description": "Comma-separated, any of: " + ", ".join(field.allowed) + "."}
    return {}


def _with_defaults(operation: dict[str, Any] | None) -> dict[str, Any]:
    if operation is None:  # a route with no docs still appears, flagged, so tests can catch it
        operation = {"summary": "UNDOCUMENTED", "responses": {}}
    operation = dict(operation)
    responses = dict(operation.get("responses") or {})
    for status, response in list(responses.items()):
        if isinstance(response, str):  # `404: No such stream` is shorthand for an error response
            responses[status] = {"description": response, "content": _ERROR_CONTENT}
    responses.setdefault("default", {"description": "An error.", "content": _ERROR_CONTENT})
    operation["responses"] = responses
    if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
        operation["parameters"] = [*operation["parameters"], _JSON_QUERY]
    return operation


def undocumented_operations(document: dict[str, Any]) -> list[str]:
    """`METHOD /path` of every operation whose view has no docs (for a test to assert empty)."""
    return [f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict) and operation.get("summary") == "UNDOCUMENTED"]
