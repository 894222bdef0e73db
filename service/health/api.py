from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..core.database import db, utcnow
from ..core.limits import storage_state
from ..core.problems import RETRY_AFTER_SECONDS, error_response
from ..engine.calendar import local_date
from ..workdays.operations import missing_years

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the app and its database answer, 503 otherwise (for load balancers).

    ``calendar.missing_years`` names the years deadlines may reach without a published holiday
    schedule (next year's from 1 November): those deadlines are provisional until imported.
    With a shared rate-limit storage (Redis), ``rate_limits`` says whether it answers; when it
    does not, the status is ``degraded`` (still 200: each worker counts in memory meanwhile,
    and taking every worker out of the balancer would be worse).
    """
    try:
        db.session.execute(text("SELECT 1"))
        missing = missing_years(local_date(utcnow()))
    except SQLAlchemyError as error:
        return error_response(503, "Database unavailable", type(error).__name__,
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    body = {"status": "ok", "database": "ok", "calendar": {"missing_years": missing}}
    rate_limits = storage_state()
    if rate_limits is not None:
        body["rate_limits"] = rate_limits
        if rate_limits != "ok":
            body["status"] = "degraded"
    return jsonify(body)
