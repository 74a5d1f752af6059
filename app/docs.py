"""Swagger UI assets served by the service itself, so `/api/docs` works offline."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("docs_assets", __name__)


@bp.route("/api/docs/assets/<path:filename>")
def swagger_asset(filename):
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
