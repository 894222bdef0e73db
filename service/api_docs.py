"""Serves the Swagger UI files that flask-swagger-ui ships, so /api/docs loads nothing from
outside the server."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, send_from_directory

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

bp = Blueprint("api_docs_assets", __name__)


@bp.get("/api/docs/assets/<path:filename>")
def swagger_ui_asset(filename):
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=86400)
