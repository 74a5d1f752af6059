"""Swagger UI assets served by the service itself, so `/api/docs` works offline;
and an apispec plugin for schema-level OpenAPI keywords."""

from apispec import BasePlugin
from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)


@bp.route("/api/docs/assets/<path:filename>")
def swagger_asset(filename):
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)


class SchemaMetaPlugin(BasePlugin):
    """Copies a marshmallow schema's `Meta.openapi` keywords (e.g. `{"minProperties": 1}`)
    into its OpenAPI component, so that a rule the schema enforces as a whole
    (in `@validates_schema`) is documented too and clients (and schemathesis)
    are not told that a request the service refuses is valid."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        meta = getattr(schema, "Meta", None)
        extra = getattr(meta, "openapi", None)
        return dict(extra) if extra else None
