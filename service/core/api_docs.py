"""The browsable API docs: Swagger UI from the files flask-swagger-ui ships (no CDN), started by
a script file rather than an inline one, so the page keeps a strict Content-Security-Policy."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, render_template, send_from_directory

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

bp = Blueprint("api_docs_assets", __name__)


@bp.get("/api/docs")
def swagger_ui():
    return render_template("api_docs.html")


@bp.get("/api/docs/assets/<path:filename>")
def swagger_ui_asset(filename):
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=86400)


def init_app(app) -> None:
    app.register_blueprint(bp)
