from flask import Blueprint, jsonify

from ..core.limits import storage_state
from ..core.problems import RETRY_AFTER_SECONDS, error_response
from .readiness import broker_check, database_checks

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 while the process answers: no database, no broker (a liveness probe that restarts a
    worker because PostgreSQL is away would only add restarts to the outage)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 when this instance can serve: the database answers and its migrations are at head,
    the broker answers if one is configured; else 503 naming what is not ready.

    Two things make it ``degraded`` but still ready, because taking every instance out of the
    balancer would be worse than serving: next year's holiday calendar missing once deadlines
    may reach it (from 1 November; those deadlines are provisional until it is imported), and
    a shared rate-limit storage (Redis) that does not answer (each worker counts in memory).
    """
    checks = database_checks()
    broker = broker_check()
    if broker is not None:
        checks["broker"] = broker
    not_ready = [name for name, state in checks.items() if state != "ok" and name != "calendar"]
    if not_ready:
        return error_response(503, "Not ready", f"not ready: {', '.join(not_ready)}",
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                              not_ready=not_ready, checks=checks)
    body = {"status": "ready", **checks}
    rate_limits = storage_state()
    if rate_limits is not None:
        body["rate_limits"] = rate_limits
    if checks["calendar"] != "ok" or rate_limits not in (None, "ok"):
        body["status"] = "degraded"
    return jsonify(body)
