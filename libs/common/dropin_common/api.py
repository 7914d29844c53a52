"""The HTTP edge every service declares with flask-smorest: one schema validates a request or a
response and is the one the OpenAPI document shows.

Stable API (services build on it; change it only with them):

    from dropin_common.api import Blueprint, service_api

    chat = Blueprint("chat", __name__, description="A stream's messages.")

    @chat.get("/chat/<stream_id>")
    @chat.optional_jwt()                        # or @chat.authenticated(ROLE_ADMIN); outermost: auth
                                                # first, the caller (or None) in flask.g.principal
    @chat.filters(HistoryQuerySchema)           # ?query=<JSON> and plain keys -> view(query, stream_id)
    @chat.response(200, HistorySchema)          # dumps the answer, documents the 200 body
    @chat.errors({404: "No such stream."})      # every other status the operation really answers
    def history(query, stream_id): ...

    service_api(app).register_blueprint(chat)   # app from dropin_common.http.create_service_app

- `Blueprint.arguments(Schema)` reads the JSON body (a form-encoded body is accepted too, as the
  contract allows); `Blueprint.filters(Schema)` reads the query string: plain keys overlaid with the
  keys of `?query=<URL-encoded JSON object>`, loaded through the same schema (both forms are
  documented); a plain key the JSON also sets must be valid too. Empty plain values are given to
  the schema as they are: a text filter takes `""` as
  no filter (`LooseString`, `CommaSeparatedSet`), a number or a day refuses it (400 naming it).
- Bad input is the usual 400 `{"error": {"code": "invalid_field", "message", "field", "fields"}}`
  (`invalid_query` for a `query` that is not a JSON object, `invalid_json`/`invalid_body` for a
  body that is not a JSON object); `ErrorSchema` documents exactly that body.
- `Blueprint.errors({status: description})` documents error answers with `ErrorSchema`;
  `Blueprint.authenticated(*roles)` checks the JWT (`dropin_common.http.authenticated`), sets
  `security: [apikey + jwt]` and documents 401 and 403 (a switched-off account; a missing role);
  `Blueprint.optional_jwt()` documents an operation open to all where a JWT, when sent, is checked.
- `RETRY_AFTER` documents a Retry-After header; `REPLICA_BEHIND` the retryable 503 of a service
  whose replica (accounts, streams) has not yet heard of what the request names: every operation
  whose token is checked against a replica can answer it.
- No operation gets a `default` response: only the statuses declared are documented, plus what the
  gateway answers on any operation (`service_document`): 401 for a missing apikey, 413 for a body
  over its limit.
- `PageSchema`, `DateRangeSchema`, `FilterSchema`, `LooseString`, `WholeNumber`,
  `CommaSeparatedSet` (from dropin_common.query) are the shared argument schemas and fields.
- A rule across fields that JSON Schema can state goes in the schema's `Meta.openapi` (merged into
  its component): `class Meta: openapi = {"minProperties": 1}`; say it in words in `Meta.description`.
- Path parameters are documented in the contract's camelCase (`<stream_id>` is `{streamId}`).
- A 405 carries an `Allow` header (dropin_common.http), on every service.
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
from collections.abc import Mapping
from typing import Any

import flask_smorest
from flask import Flask, g
from flask_smorest.spec.plugins import RE_URL, FlaskPlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from marshmallow import Schema, ValidationError, fields
from webargs.flaskparser import FlaskParser

from .naming import camel
from .query import (CommaSeparatedSet, DateRangeSchema, FilterSchema, LooseString, PageSchema,  # noqa: F401
                    WholeNumber, query_args, validation_error_to_bad_request)

OPENAPI_VERSION = "3.0.3"
API_KEY = {"type": "apiKey", "in": "header", "name": "apikey",
           "description": "Checked by the gateway on every request."}
JWT = {"type": "apiKey", "in": "header", "name": "Authorization",
       "description": "`JWT <token>` or `Bearer <token>`, as returned by `POST /auth`."}
WITH_JWT: list[dict[str, list[str]]] = [{"apikey": [], "jwt": []}]
JWT_OPTIONAL: list[dict[str, list[str]]] = [{"apikey": []}, {"apikey": [], "jwt": []}]
UNAUTHORIZED = "No token, or an invalid, expired or revoked one."
RETRY_AFTER = {"Retry-After": {"description": "Seconds until trying again makes sense.", "schema": {"type": "integer"}}}
# The answer of a service whose replica (of accounts, streams, ...) has not yet heard of a record
# the request names: retryable (dropin_common.waiting.ReplicaBehind).
REPLICA_BEHIND = {"description": "This service has not yet caught up with a record the request names "
                                 "(`replica_behind`); try again after `Retry-After`.", "headers": RETRY_AFTER}


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable, machine-readable code."})
    message = fields.String(required=True, metadata={"description": "For people; may change."})
    field = fields.String(metadata={"description": "The request field (or header) at fault, when one is."})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), metadata={
        "description": "On a 400 for bad input: every field at fault with its messages (a list "
                       "of texts, or an object of the same shape for a nested field)."})


class ErrorSchema(Schema):
    """The body of every error answer."""
    error = fields.Nested(ErrorDetailSchema, required=True)


class DropinParser(FlaskParser):
    """webargs for the contract: 400 (not 422) naming the field, the `?query=` JSON form, and the
    body read as `dropin_common.http.json_body` reads it."""

    DEFAULT_VALIDATION_STATUS = 400

    def load_querystring(self, req, schema):
        merged = query_args(req.args)
        overridden = {key: value for key, value in req.args.items() if key != "query" and merged.get(key) != value}
        if overridden:  # a plain value the JSON form replaces must still be a valid one
            schema.load(overridden, partial=True)
        return merged

    def load_json(self, req, schema):
        from .http import json_body  # http imports this module for the Api
        return json_body()

    def handle_error(self, error: ValidationError, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        if isinstance(messages, Mapping) and len(messages) == 1:
            messages = next(iter(messages.values()))  # webargs nests them under the location
        raise validation_error_to_bad_request(ValidationError(messages)) from None


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = DropinParser()

    def filters(self, schema: type[Schema] | Schema):
        """The query string through `schema`, as plain keys and as `?query=<JSON>`; the view gets
        the loaded dict as its first argument."""
        instance = schema() if isinstance(schema, type) else schema
        json_form = {"in": "query", "name": "query", "required": False,
                     "description": "The same filters as one URL-encoded JSON object; its keys win "
                                    "over plain parameters, and a null means not given.",
                     "content": {"application/json": {"schema": instance}}}

        def decorator(view):
            wrapped = self.arguments(instance, location="query")(view)
            wrapped._apidoc["arguments"]["parameters"].append(json_form)
            return wrapped
        return decorator

    def errors(self, statuses: Mapping[int, str | Mapping[str, Any]]):
        """Documents each error status the operation answers, with the shared error body: a
        description, or `{"description": ..., "headers": {...}}` (e.g. a 429's Retry-After)."""
        def decorator(view):
            for status, response in statuses.items():
                options = dict(response) if isinstance(response, Mapping) else {"description": response}
                view = self.alt_response(status, schema=ErrorSchema, **options)(view)
            return view
        return decorator

    def authenticated(self, *roles: str, forbidden: str | None = None):
        """A valid, unrevoked JWT (and one of `roles`, if given) before anything else is read."""
        from .http import authenticated
        refused = "The account is switched off (`account_inactive`)"
        if roles:
            refused += f", or the caller is not {' or '.join(f'an {role}' for role in roles)} (`forbidden_role`)"
        statuses = {401: UNAUTHORIZED, 403: forbidden or refused + "."}

        def decorator(view):
            view = self.errors(statuses)(view)
            view = self.doc(security=WITH_JWT)(view)
            return authenticated(*roles)(view)
        return decorator

    def optional_jwt(self):
        """Open to anyone with the apikey; a JWT, when sent, is checked first (else 401) and the
        view finds its principal (or None) in `flask.g.principal`."""
        from .http import optional_principal

        def decorator(view):
            view = self.doc(security=JWT_OPTIONAL)(self.errors({401: "A JWT was sent but is not valid."})(view))

            @functools.wraps(view)
            def checked_first(*args, **kwargs):
                g.principal = optional_principal()
                return view(*args, **kwargs)
            return checked_first
        return decorator


class CamelCasePaths(FlaskPlugin):
    """Flask's `<stream_id>` is the contract's `{streamId}`."""

    @staticmethod
    def flaskpath2openapi(path):
        return RE_URL.sub(lambda match: "{" + camel(match.group(1)) + "}", path)

    def rule_to_params(self, rule):
        params = super().rule_to_params(rule)
        for param in params:
            param["name"] = camel(param["name"])
        return params


class SchemaRules(MarshmallowPlugin):
    """A schema's `Meta.openapi` (the cross-field rules its validators enforce) in its component."""

    def schema_helper(self, name, _, schema=None, **kwargs):
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        meta = getattr(resolve_schema_cls(schema), "Meta", None)
        return {**json_schema, **getattr(meta, "openapi", {})} if json_schema is not None else None


class Api(flask_smorest.Api):
    """flask-smorest's Api with no `default` response and no error handler of its own: errors are
    answered by dropin_common.http's handlers, in the shape `ErrorSchema` documents."""

    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


def create_api(app: Flask, name: str) -> Api:
    """The service's Api: OpenAPI 3.0.3, the gateway's apikey on every operation (`jwt` where an
    operation says), its title and version. dropin_common.http.create_service_app calls it."""
    app.config.update(API_TITLE=f"Dropin Auto {name} API", API_VERSION=_package_version(f"dropin-{name}"),
                      OPENAPI_VERSION=OPENAPI_VERSION, OPENAPI_URL_PREFIX=None)
    api = Api(app, spec_kwargs={
        "flask_plugin": CamelCasePaths(), "marshmallow_plugin": SchemaRules(),
        "info": {"description": f"The {name} service's part of the Dropin Auto API, as served by the gateway."},
        "security": [{"apikey": []}]})
    api.spec.components.security_scheme("apikey", API_KEY)
    api.spec.components.security_scheme("jwt", JWT)
    api.ma_plugin.converter.add_attribute_function(_field_attributes)
    app.extensions["dropin.api"] = api
    return api


def service_api(app: Flask) -> Api:
    return app.extensions["dropin.api"]


GATEWAY_401 = "A missing or unknown `apikey` (`invalid_api_key`, from the gateway)"
GATEWAY_413 = "The body is larger than the gateway or the service accepts (`body_too_large`)."


def service_document(app: Flask) -> dict[str, Any]:
    """The service's OpenAPI document, with what the gateway answers on every operation: 401 for a
    missing apikey, and 413 for a body over its limit."""
    document = service_api(app).spec.to_dict()
    for item in document["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            if "401" in responses:
                responses["401"] = {**responses["401"],
                                    "description": f"{responses['401']['description']} Or: {GATEWAY_401}."}
            else:
                responses["401"] = _error_response(GATEWAY_401 + ".")
            if "requestBody" in operation:
                responses.setdefault("413", _error_response(GATEWAY_413))
    return document


def _error_response(description: str) -> dict[str, Any]:
    error = {"schema": {"$ref": "#/components/schemas/Error"}}
    return {"description": description, "content": {"application/json": error}}


def _field_attributes(_converter, field, ret: dict[str, Any], **_kwargs) -> dict[str, Any]:
    if isinstance(field, CommaSeparatedSet):  # OpenAPI has no enum of lists
        one = "(?:" + "|".join(re.escape(value) for value in field.allowed) + ")"
        return {"type": "string", "pattern": rf"^ *(?:{one} *)?(?:, *(?:{one} *)?)*$",
                "description": "Comma-separated, any of: " + ", ".join(field.allowed) + "."}
    if isinstance(field, LooseString):  # numbers in JSON are taken as their text
        ret.pop("type", None)
        return {"anyOf": [{"type": "string"}, {"type": "number"}]}
    return {}


def _package_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"
