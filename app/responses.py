"""The success envelope of docs/api.md §1 and the error envelope's schema for OpenAPI.

A route returns `{"data": ..., "message": ...}` and declares
`@blp.response(200, envelope(DataSchema))`; the envelope adds
`"status": "success"`.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

_envelopes: dict[tuple, type[Schema]] = {}


def envelope(data_schema: type[Schema] | None, *, many: bool = False, name: str | None = None) -> type[Schema]:
    """A schema class `{"status": "success", "data": <data_schema>, "message": str}`."""
    cache_key = (data_schema, many, name)
    if cache_key in _envelopes:
        return _envelopes[cache_key]
    base = name or (data_schema.__name__.removesuffix("Schema") if data_schema else "Message")
    attrs = {
        "status": fields.Constant("success", required=True, metadata={"enum": ["success"]}),
        "message": fields.String(metadata={"description": "A human-readable summary."}),
        "Meta": type("Meta", (), {"ordered": True}),
    }
    if data_schema is not None:
        attrs["data"] = fields.List(fields.Nested(data_schema), required=True) if many else fields.Nested(data_schema, required=True)
    cls = type(f"{base}{'List' if many else ''}EnvelopeSchema", (Schema,), attrs)
    _envelopes[cache_key] = cls
    return cls


class ErrorDetailSchema(Schema):
    field = fields.String(allow_none=True, required=True)
    message = fields.String(required=True)


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "Catalogue code, `{MODULE}_{TYPE}_{NNN}`."})
    message = fields.String(required=True)
    field = fields.String(allow_none=True, required=True, metadata={"description": "The first offending field."})
    details = fields.List(fields.Nested(ErrorDetailSchema), required=True)
    timestamp = fields.String(required=True, metadata={"format": "date-time"})
    trace_id = fields.String(allow_none=True, required=True, metadata={"description": "Equals the X-Request-ID response header."})


class ErrorEnvelopeSchema(Schema):
    """Every 4xx and 5xx response has this shape."""

    status = fields.String(required=True, validate=validate.OneOf(["error"]))
    error = fields.Nested(ErrorBodySchema, required=True)
