"""Response schemas: the body each view answers, declared with marshmallow so that the schema that
documents an answer is the one that writes it (flask-smorest dumps the view's result through it)."""
from __future__ import annotations

from marshmallow import Schema, fields


class Answer(Schema):
    """A response body. Views build camelCase dicts (the contract's keys), so each field reads its
    own `data_key`; a key the schema does not declare is never sent."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.attribute = field_obj.data_key or field_name


def Moment(**kwargs) -> fields.String:  # noqa: N802 - used like a field class
    """An ISO 8601 timestamp the view has already written (UTC with `Z` unless said otherwise)."""
    metadata = {"format": "date-time", **kwargs.pop("metadata", {})}
    return fields.String(metadata=metadata, **kwargs)


class CountAnswer(Answer):
    count = fields.Integer(required=True)
