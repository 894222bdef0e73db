"""The window's blueprint."""

from flask import Blueprint

bp = Blueprint("window", __name__, url_prefix="/window", template_folder="templates")
