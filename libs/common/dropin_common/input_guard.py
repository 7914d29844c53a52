"""Input no service can use, refused at the edge as a 400 before any view sees it.

- JSON that is not JSON: `NaN`, `Infinity` (Python's json module takes them), and nesting so deep
  that parsing it overflows the stack.
- Text PostgreSQL cannot store or that is not Unicode: U+0000, and lone UTF-16 surrogates
  (`"\\ud800"` in JSON decodes to a str that cannot be encoded to UTF-8).
"""
from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider

from .errors import BadRequest
from .naming import camel

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Only a JSON escape can smuggle either into a str: UTF-8 bodies and URLs cannot carry a surrogate.
UNSTORABLE_ESCAPE = re.compile(rb"\x00|\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    raise NotJson(f"{name} is not JSON")


def strict_loads(text: str | bytes, **kwargs: Any) -> Any:
    """json.loads without NaN/Infinity; too deep a document is a ValueError like any bad JSON."""
    kwargs.setdefault("parse_constant", _refuse_constant)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        raise NotJson("nested too deeply") from None


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, parsing with `strict_loads` (request.get_json() then answers None, a 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return strict_loads(s, **kwargs)


def refuse_unstorable_text() -> None:
    """before_request: a NUL or a lone surrogate in a path parameter, a query parameter (plain or
    inside `?query=`) or a body field is a 400 naming that field. Runs on every request, so the
    common case (nothing suspicious) costs a regex scan per value and nothing else."""
    for name, value in (request.view_args or {}).items():
        _refuse(camel(name), value)
    for key, value in request.args.items(multi=True):
        if key == "query" and UNSTORABLE_ESCAPE.search(value.encode("utf-8", "surrogatepass")):
            for field, item in _object_items(_loads_or_none(value)):
                _refuse(field, item)
        _refuse(key, value)
    if not request.content_length and "chunked" not in request.headers.get("Transfer-Encoding", ""):
        return  # no body
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for field, item in request.form.items(multi=True):
            _refuse(field, item)
    elif UNSTORABLE_ESCAPE.search(request.get_data(cache=True)):  # cheap test first: rarely true
        for field, item in _object_items(request.get_json(force=True, silent=True)):
            _refuse(field, item)


def _refuse(field: str, value: Any) -> None:
    problem = _unstorable(field) or _unstorable(value)
    if problem:
        raise BadRequest(f"Must not contain {problem}.", code="invalid_character", field=field)


def _unstorable(value: Any) -> str | None:
    if isinstance(value, str):
        found = UNSTORABLE.search(value)
        if found is None:
            return None
        return "a NUL character" if found.group() == "\x00" else "a lone UTF-16 surrogate"
    if isinstance(value, dict):
        return next((p for k, v in value.items() if (p := _unstorable(k) or _unstorable(v))), None)
    if isinstance(value, list):
        return next((p for item in value if (p := _unstorable(item))), None)
    return None


def _object_items(value: Any) -> list[tuple[str, Any]]:
    return [(str(key), item) for key, item in value.items()] if isinstance(value, dict) else []


def _loads_or_none(text: str) -> Any:
    try:
        return strict_loads(text)
    except ValueError:
        return None
