from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..core.database import db, utcnow
from ..core.problems import problem
from ..engine.calendar import local_date
from ..workdays.operations import missing_years

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the app and its database answer, 503 otherwise (for load balancers).

    ``calendar.missing_years`` names the years deadlines may reach without a published holiday
    schedule (next year's from 1 November): those deadlines are provisional until imported.
    """
    try:
        db.session.execute(text("SELECT 1"))
        missing = missing_years(local_date(utcnow()))
    except SQLAlchemyError as error:
        return problem(503, "Database unavailable", type(error).__name__)
    return jsonify(status="ok", database="ok", calendar={"missing_years": missing})
